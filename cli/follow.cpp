#include "cli/follow.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <sstream>
#include <thread>

#include "cli/json_fields.hpp"
#include "cli/output.hpp"
#include "cli/torrent_view.hpp"

namespace revaer::client {

namespace {

constexpr auto kRefreshInterval = std::chrono::seconds(1);
constexpr auto kSignalPoll = std::chrono::milliseconds(50);

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void note_interrupt(int) { g_interrupted = 1; }

// Installs handlers that set g_interrupted for SIGINT and SIGTERM, and puts
// the previous handlers back on destruction.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = note_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &previous_int_);
    ::sigaction(SIGTERM, &action, &previous_term_);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &previous_int_, nullptr);
    ::sigaction(SIGTERM, &previous_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

// Sleeps for one refresh interval. Returns false when interrupted.
bool wait_for_refresh() {
  const auto until = std::chrono::steady_clock::now() + kRefreshInterval;
  while (std::chrono::steady_clock::now() < until) {
    if (g_interrupted != 0) {
      return false;
    }
    std::this_thread::sleep_for(kSignalPoll);
  }
  return g_interrupted == 0;
}

// Counts the terminal rows `text` takes at `width` columns, leaving out
// ANSI escape sequences and counting wrapped lines.
int terminal_rows(const std::string& text, int width) {
  int rows = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::string visible;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b') {
        while (i < line.size() && line[i] != 'm') {
          ++i;
        }
        continue;
      }
      visible += line[i];
    }
    const int columns = display_width(visible);
    rows += width > 0 && columns > width ? (columns + width - 1) / width : 1;
  }
  return rows;
}

// Shows one refresh of the torrent in the form of the output mode.
class FollowView {
 public:
  explicit FollowView(CommandContext& ctx)
      : ctx_(ctx), on_terminal_(::isatty(STDOUT_FILENO) == 1) {}

  void show(const nlohmann::json& detail) {
    if (ctx_.options.output == OutputFormat::json) {
      print_json(ctx_, detail);
    } else if (on_terminal_) {
      redraw(detail);
    } else {
      ctx_.out << render_progress_line(detail);
    }
    ctx_.out.flush();
  }

 private:
  void redraw(const nlohmann::json& detail) {
    const int width = terminal_width();
    const auto frame = render_torrent_detail(detail, width, colour_enabled());
    if (rows_ > 0) {
      // Move to the start of the previous frame and clear to the end.
      ctx_.out << "\x1b[" << rows_ << "F\x1b[J";
    }
    ctx_.out << frame;
    rows_ = terminal_rows(frame, width);
  }

  CommandContext& ctx_;
  bool on_terminal_;
  int rows_ = 0;
};

}  // namespace

bool download_complete(const nlohmann::json& detail) {
  const auto kind = string_field(object_field(detail, "state"), "kind");
  return kind == "seeding" || kind == "completed";
}

int follow_torrent(CommandContext& ctx, const std::string& id) {
  const InterruptGuard guard;
  FollowView view(ctx);

  while (true) {
    const auto response = ctx.session.send("GET", "/v1/torrents/" + id);
    if (exit_code_for_status(response.status) != kExitOk) {
      return report_failure(ctx, response);
    }
    const auto detail = nlohmann::json::parse(response.body, nullptr, false);
    if (!detail.is_object()) {
      ctx.err << "error: the daemon returned HTTP " << response.status
              << " with a body that is not a JSON object\n"
              << "request id: " << ctx.session.request_id() << '\n';
      return kExitRuntime;
    }
    view.show(detail);

    const auto& state = object_field(detail, "state");
    if (string_field(state, "kind") == "failed") {
      ctx.err << "error: torrent " << id
              << " failed: " << string_field(state, "failure_message", "no reason given") << '\n';
      return kExitRuntime;
    }
    if (download_complete(detail)) {
      if (ctx.options.output == OutputFormat::table) {
        ctx.out << "Torrent " << id << " is complete.\n";
      }
      return kExitOk;
    }
    if (!wait_for_refresh()) {
      ctx.err << "interrupted; torrent " << id << " is not complete\n";
      return kExitInterrupted;
    }
  }
}

}  // namespace revaer::client
