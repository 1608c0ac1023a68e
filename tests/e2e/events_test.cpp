// Event streams of a real revaerd: the pinned `eventsource` npm client
// across a daemon restart, and `revaer tail` stopped and restarted with a
// resume file. Events come from real torrent adds and removals.

#include <csignal>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "tests/api/sse_client.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/source_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

std::string random_magnet() {
  return "magnet:?xt=urn:btih:" + random_hex(20) + "&dn=events-test";
}

std::vector<json> read_json_lines(const fs::path& path) {
  std::vector<json> lines;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    json parsed = json::parse(line, nullptr, false);
    if (!parsed.is_discarded()) {
      lines.push_back(std::move(parsed));
    }
  }
  return lines;
}

// A revaerd on a fixed loopback port, so that a client reconnects to the
// same URL after a restart. Stopped with SIGTERM.
class FixedPortDaemon {
 public:
  explicit FixedPortDaemon(const TempDir& dir)
      : dir_(dir.path()), port_(free_port()) {}

  void start() {
    fs::remove(dir_ / "data" / "listen.addr");
    ++runs_;
    log_ = dir_ / ("revaerd-" + std::to_string(runs_) + ".log");
    process_ = std::make_unique<Process>(
        std::vector<std::string>{REVAER_BINARY_DIR "/revaerd", "--data-dir",
                                 (dir_ / "data").string(), "--listen",
                                 "127.0.0.1:" + std::to_string(port_)},
        Environment{}, log_, log_);
    bool listening = wait_until(
        [&] {
          return fs::exists(dir_ / "data" / "listen.addr") ||
                 !process_->running();
        },
        60s, 50ms);
    if (!listening || !process_->running()) {
      throw std::runtime_error("revaerd did not start: " + tail_of_file(log_));
    }
  }

  void stop() { process_->stop(30s); }

  void complete_setup() {
    Cli anonymous(url(), "");
    json started = anonymous.run_ok({"setup", "start"});
    fs::path changeset = dir_ / "changeset.json";
    write_file_bytes(changeset, loopback_changeset().dump());
    json done = anonymous.run_ok({"setup", "complete", "--token",
                                  started.at("token").get<std::string>(),
                                  "--file", changeset.string()});
    api_key_ = done.at("api_key").get<std::string>();
  }

  Cli cli() const { return Cli(url(), api_key_); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  std::uint16_t port() const { return port_; }
  const std::string& api_key() const { return api_key_; }
  std::string log_tail() const { return tail_of_file(log_); }

 private:
  fs::path dir_;
  std::uint16_t port_;
  int runs_ = 0;
  fs::path log_;
  std::string api_key_;
  std::unique_ptr<Process> process_;
};

// The client saw every event once, in order, across a restart of the
// daemon, and an explicit reset where the restart lost events.
TEST(EventsE2e, EventSourceAcrossRestart) {
  fs::path client = node_client_dir();
  ASSERT_TRUE(fs::exists(client / "node_modules" / "eventsource"))
      << "the eventsource npm package is missing in " << client
      << "; run scripts/bootstrap.sh --tests";

  TempDir dir("revaer-events-e2e");
  FixedPortDaemon daemon(dir);
  daemon.start();
  daemon.complete_setup();
  Cli cli = daemon.cli();

  fs::path output = dir / "node.out";
  Process node({"node", (client / "sse_client.mjs").string(),
                daemon.url() + "/v1/torrents/events?event=torrent_added,"
                               "torrent_removed",
                daemon.api_key()},
               Environment{}, output, dir / "node.err");
  auto records_of = [&](const char* type) {
    std::vector<json> found;
    for (const json& record : read_json_lines(output)) {
      if (record.at("type") == type) {
        found.push_back(record);
      }
    }
    return found;
  };
  auto log = [&] {
    return tail_of_file(output) + tail_of_file(dir / "node.err") +
           daemon.log_tail();
  };
  ASSERT_TRUE(wait_until([&] { return records_of("open").size() == 1; }, 30s))
      << log();

  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(cli.run_ok({"torrent", "add", random_magnet()}).at("id"));
  }
  ASSERT_TRUE(wait_until(
      [&] { return records_of("torrent_added").size() == 3; }, 30s))
      << log();

  daemon.stop();
  daemon.start();
  ASSERT_TRUE(wait_until([&] { return records_of("reset").size() == 1; }, 60s))
      << log();
  cli.run_ok({"torrent", "remove", ids[0]});
  cli.run_ok({"torrent", "add", random_magnet()});
  ASSERT_TRUE(wait_until(
      [&] {
        return records_of("torrent_added").size() == 4 &&
               records_of("torrent_removed").size() == 1;
      },
      30s))
      << log();
  node.stop(5s);

  std::vector<std::pair<std::string, std::int64_t>> sequence;
  for (const json& record : read_json_lines(output)) {
    std::string type = record.at("type");
    if (type != "open" && type != "error") {
      sequence.emplace_back(type, std::stoll(record.at("id").get<std::string>()));
    }
  }
  ASSERT_EQ(sequence.size(), 6u) << log();
  const std::vector<std::string> expected = {
      "torrent_added", "torrent_added", "torrent_added",
      "reset",         "torrent_removed", "torrent_added"};
  for (std::size_t i = 0; i < sequence.size(); ++i) {
    EXPECT_EQ(sequence[i].first, expected[i]) << "event " << i;
    if (i > 0) {
      EXPECT_GT(sequence[i].second, sequence[i - 1].second) << "event " << i;
    }
  }
  json reset = json::parse(records_of("reset").at(0).at("data").get<std::string>());
  EXPECT_EQ(reset.at("data").at("reason"), "restart");
  EXPECT_EQ(reset.at("data").at("requested_id"), sequence[2].second);
  EXPECT_GE(records_of("open").size(), 2u);
}

// Reads `revaer tail --output json` lines: the ids in order.
std::vector<std::int64_t> tail_ids(const fs::path& path) {
  std::vector<std::int64_t> ids;
  for (const json& line : read_json_lines(path)) {
    ids.push_back(line.at("id").get<std::int64_t>());
  }
  return ids;
}

// `revaer tail` stopped with SIGTERM at arbitrary moments while torrents
// are added and removed, and restarted with its resume file: together its
// runs print every event once, in order.
TEST(EventsE2e, TailResumeFileNoDuplicatesNoGaps) {
  TempDir dir("revaer-tail-e2e");
  RevaerDaemon daemon(dir / "data", dir.path());
  daemon.complete_setup(loopback_changeset());
  Cli cli = daemon.cli();
  const fs::path resume = dir / "tail.last-id";

  auto start_tail = [&](int run) {
    return std::make_unique<Process>(
        std::vector<std::string>{
            REVAER_BINARY_DIR "/revaer", "--api-url", daemon.api_url(),
            "--api-key", daemon.api_key(), "--output", "json", "tail",
            "--event", "torrent_added,torrent_removed", "--resume-file",
            resume.string(), "--retry-secs", "0.2"},
        Environment{}, dir / ("tail-" + std::to_string(run) + ".out"),
        dir / ("tail-" + std::to_string(run) + ".err"));
  };
  auto printed = [&](int runs) {
    std::vector<std::int64_t> all;
    for (int run = 0; run < runs; ++run) {
      for (std::int64_t id :
           tail_ids(dir / ("tail-" + std::to_string(run) + ".out"))) {
        all.push_back(id);
      }
    }
    return all;
  };

  constexpr int kRuns = 4;
  std::vector<std::string> added;
  std::size_t actions = 0;
  for (int run = 0; run < kRuns; ++run) {
    std::unique_ptr<Process> tail = start_tail(run);
    // Some actions happen while this run is connected, some before it
    // connects; the last run only catches up.
    for (int i = 0; run + 1 < kRuns && i < 4; ++i) {
      if (i == 3 && !added.empty()) {
        cli.run_ok({"torrent", "remove", added.back()});
        added.pop_back();
      } else {
        added.push_back(cli.run_ok({"torrent", "add", random_magnet()}).at("id"));
      }
      ++actions;
    }
    if (run + 1 < kRuns) {
      // Stops the tail as soon as it printed something of this run.
      std::size_t before = printed(run).size();
      ASSERT_TRUE(wait_until([&] { return printed(run + 1).size() > before; },
                             30s))
          << tail_of_file(dir / ("tail-" + std::to_string(run) + ".err"));
      tail->send_signal(SIGTERM);
      std::optional<ExitStatus> status = tail->wait_for(30s);
      ASSERT_TRUE(status.has_value());
      EXPECT_EQ(status->shell_code(), 0);
      continue;
    }
    ASSERT_TRUE(wait_until([&] { return printed(kRuns).size() >= actions; },
                           30s))
        << tail_of_file(dir / ("tail-" + std::to_string(run) + ".err"));
    tail->stop(10s);
  }

  // Every event of this run that the filter selects, as the daemon
  // replays it to an id from no run (a reset, then the window).
  SseClient reference(
      static_cast<std::uint16_t>(std::stoi(daemon.api_url().substr(
          daemon.api_url().rfind(':') + 1))),
      "/v1/torrents/events?event=torrent_added,torrent_removed",
      {{"x-revaer-api-key", daemon.api_key()}, {"Last-Event-ID", "0"}});
  ASSERT_EQ(reference.read_header(), 200);
  std::vector<std::int64_t> expected;
  while (expected.size() < actions) {
    std::optional<SseEvent> event = reference.next();
    ASSERT_TRUE(event);
    if (event->event != "reset") {
      expected.push_back(*event->id);
    }
  }

  EXPECT_EQ(printed(kRuns), expected);
  EXPECT_EQ(read_file_bytes(resume), std::to_string(expected.back()) + "\n");
}

}  // namespace
}  // namespace revaer::test
