#include "cli/tail.hpp"

#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/api_session.hpp"
#include "cli/problem_output.hpp"
#include "cli/tail_stream.hpp"
#include "core/atomic_file.hpp"
#include "core/crypto.hpp"
#include "core/torrent.hpp"
#include "events/event_kind.hpp"

namespace revaer::client {
namespace {

using nlohmann::json;

constexpr double kMaxRetrySecs = 3600.0;
constexpr std::chrono::milliseconds kDefaultRetry{2'000};
// Three keep-alive intervals of the daemon (20 s each) plus a margin: a
// stream silent for longer is dead, so the tail reconnects.
constexpr std::chrono::milliseconds kIdleTimeout{65'000};

constexpr TorrentState kStates[] = {
    TorrentState::queued,      TorrentState::fetching_metadata,
    TorrentState::downloading, TorrentState::seeding,
    TorrentState::completed,   TorrentState::failed,
    TorrentState::stopped,
};

std::string lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// Splits comma-separated values too, so "--event a,b" and repeated flags
// both work.
std::vector<std::string> split_all(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::stringstream stream(value);
    std::string item;
    while (std::getline(stream, item, ',')) {
      if (!item.empty()) {
        out.push_back(lower(item));
      }
    }
  }
  return out;
}

bool is_state(const std::string& name) {
  for (TorrentState state : kStates) {
    if (to_string(state) == name) {
      return true;
    }
  }
  return false;
}

std::string known_states() {
  std::string names;
  for (TorrentState state : kStates) {
    names += (names.empty() ? "" : ", ") + std::string(to_string(state));
  }
  return names;
}

void append_query(std::string& target, const char* name,
                  const std::vector<std::string>& values) {
  if (values.empty()) {
    return;
  }
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += name;
  target += '=';
  for (std::size_t i = 0; i < values.size(); ++i) {
    target += (i ? "," : "") + percent_encode(values[i]);
  }
}

std::chrono::milliseconds retry_delay(const TailArgs& args,
                                      const EventStreamReader& reader) {
  if (args.retry_secs) {
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(std::ceil(*args.retry_secs * 1000.0)));
  }
  if (reader.retry_ms()) {
    return std::chrono::milliseconds(*reader.retry_ms());
  }
  return kDefaultRetry;
}

void check_retry(const TailArgs& args) {
  if (!args.retry_secs) {
    return;
  }
  double secs = *args.retry_secs;
  if (!std::isfinite(secs) || secs < 0.0 || secs > kMaxRetrySecs) {
    throw UsageError("invalid --retry-secs: expected seconds from 0 to " +
                     std::to_string(static_cast<int>(kMaxRetrySecs)));
  }
}

// One line of table output: id, time, kind, torrent, then the payload.
std::string table_line(const SseMessage& message, const json& line) {
  std::string id = message.id ? std::to_string(*message.id) : "-";
  std::string at = line.value("at", "-");
  if (message.event == kResetEventName) {
    const json& data = line.value("data", json::object());
    return id + "  " + at + "  reset  -  events were missed (" +
           data.value("reason", "unknown") +
           "); resynchronise with revaer ls";
  }

  json data = line.value("data", json::object());
  std::string torrent = data.value("torrent_id", "-");
  data.erase("torrent_id");
  return id + "  " + at + "  " + message.event + "  " + torrent + "  " +
         data.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Prints each event once and records its id.
class TailPrinter {
 public:
  TailPrinter(CommandContext& ctx, const TailArgs& args,
              std::optional<std::int64_t> last_id)
      : ctx_(ctx), args_(args), last_id_(last_id) {}

  void on_message(const SseMessage& message) {
    bool reset = message.event == kResetEventName;
    // A replay never repeats an event, but a daemon older than this
    // client's resume file might, so the check keeps the output unique. A
    // reset moves the position to its own id, even backwards.
    if (!reset && message.id && last_id_ && *message.id <= *last_id_) {
      return;
    }

    print(message);
    if (message.id) {
      last_id_ = message.id;
      save();
    }
  }

  std::optional<std::int64_t> last_id() const { return last_id_; }

 private:
  void print(const SseMessage& message) {
    if (ctx_.options.output == OutputFormat::json) {
      ctx_.out << message.data << '\n';
    } else {
      json line = json::parse(message.data, nullptr, false);
      if (line.is_discarded() || !line.is_object()) {
        line = json::object();
      }
      ctx_.out << table_line(message, line) << '\n';
    }
    // Flushed before the resume file moves on, so a line is never
    // recorded as printed while it still sits in a buffer.
    ctx_.out.flush();
  }

  void save() {
    if (!args_.resume_file) {
      return;
    }
    write_file_atomically(*args_.resume_file,
                          std::to_string(*last_id_) + "\n");
  }

  CommandContext& ctx_;
  const TailArgs& args_;
  std::optional<std::int64_t> last_id_;
};

}  // namespace

std::string build_tail_target(const TailArgs& args) {
  std::vector<std::string> torrents = split_all(args.torrents);
  for (const std::string& id : torrents) {
    if (!is_uuid(id)) {
      throw UsageError("invalid --torrent '" + id + "': expected a torrent id");
    }
  }
  std::vector<std::string> events = split_all(args.events);
  for (const std::string& kind : events) {
    if (!parse_event_kind(kind)) {
      throw UsageError("invalid --event '" + kind +
                       "': expected an event kind such as torrent_added, "
                       "progress or state_changed");
    }
  }
  std::vector<std::string> states = split_all(args.states);
  for (const std::string& state : states) {
    if (!is_state(state)) {
      throw UsageError("invalid --state '" + state + "': expected one of " +
                       known_states());
    }
  }

  std::string target = "/v1/torrents/events";
  append_query(target, "torrent", torrents);
  append_query(target, "event", events);
  append_query(target, "state", states);
  return target;
}

std::optional<std::int64_t> read_resume_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return std::nullopt;
  }
  std::string text;
  std::getline(file, text);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.pop_back();
  }
  if (text.empty()) {
    return std::nullopt;
  }
  bool digits = text.size() <= 18 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) {
    throw UsageError("invalid resume file '" + path +
                     "': expected an event id, found '" + text.substr(0, 40) +
                     "'");
  }
  return std::stoll(text);
}

int run_tail(CommandContext& ctx, const TailArgs& args) {
  const std::string target = build_tail_target(args);
  check_retry(args);
  std::optional<std::int64_t> last_id;
  if (args.resume_file) {
    last_id = read_resume_file(*args.resume_file);
  }

  auto timeout = std::chrono::milliseconds(
      static_cast<std::int64_t>(std::ceil(ctx.options.timeout_secs * 1000.0)));
  EventStreamReader reader(ctx.options.api_url, timeout, kIdleTimeout);
  TailPrinter printer(ctx, args, last_id);

  while (true) {
    EventStreamReader::Headers headers = {
        {"x-request-id", ctx.session.request_id()}};
    if (!ctx.options.api_key.empty()) {
      headers.emplace_back("x-revaer-api-key", ctx.options.api_key);
    }
    if (printer.last_id()) {
      headers.emplace_back("Last-Event-ID", std::to_string(*printer.last_id()));
    }

    StreamOutcome outcome = reader.read(
        target, headers,
        [&printer](const SseMessage& message) { printer.on_message(message); });
    if (outcome.end == StreamOutcome::End::stopped) {
      return kExitOk;
    }

    if (outcome.end == StreamOutcome::End::status) {
      // A final 4xx also prints its problem document for --output json,
      // but a status worth retrying is reported on stderr only.
      if (exit_code_for_status(outcome.response.status) == kExitValidation) {
        return report_failure(ctx, outcome.response);
      }
      print_problem(ctx.err, outcome.response, ctx.session.request_id());
    } else if (outcome.end == StreamOutcome::End::transport) {
      ctx.err << "error: " << outcome.message << '\n';
    }

    std::chrono::milliseconds delay = retry_delay(args, reader);
    ctx.err << "revaer tail: reconnecting in " << delay.count() << " ms";
    if (printer.last_id()) {
      ctx.err << " after event " << *printer.last_id();
    }
    ctx.err << '\n';
    if (!reader.wait(delay)) {
      return kExitOk;
    }
  }
}

}  // namespace revaer::client
