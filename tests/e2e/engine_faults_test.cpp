// Engine faults seen through a real revaerd: a taken BitTorrent listen
// port and a full resume directory mark "engine" degraded in /health/full
// with a health_changed event, and clear once the retries succeed.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "tests/api/sse_client.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/held_port.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tmpfs_mount.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The reason of the degraded "engine" component, or nullopt when it is ok.
std::optional<std::string> engine_degraded(const RevaerDaemon& daemon) {
  const client::HttpResponse response = daemon.send("GET", "/health/full");
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded()) return std::nullopt;
  for (const json& entry : body.value("degraded", json::array())) {
    if (entry.value("component", "") == "engine") return entry.value("reason", "");
  }
  return std::nullopt;
}

std::uint16_t api_port(const RevaerDaemon& daemon) {
  const std::string& url = daemon.api_url();
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

// Replays health_changed events from the start of the window and returns
// the first of the engine component whose data `match` accepts.
std::optional<json> find_engine_event(const RevaerDaemon& daemon,
                                      const std::function<bool(const json&)>& match) {
  SseClient stream(api_port(daemon), "/v1/events?event=health_changed",
                   {{"x-revaer-api-key", daemon.api_key()}, {"Last-Event-ID", "0"}});
  if (stream.read_header() != 200) return std::nullopt;
  try {
    while (std::optional<SseEvent> event = stream.next(10s)) {
      if (event->event != "health_changed") continue;
      const json data = event->json().at("data");
      if (data.at("component") == "engine" && match(data)) return data;
    }
  } catch (const std::runtime_error&) {
    // Nothing more arrived: the replay has no such event.
  }
  return std::nullopt;
}

TEST(EngineFaultsE2e, TakenListenPortDegradesUntilFree) {
  TempDir dir("revaer-e2e-listen-fault");
  HeldPort held;
  const std::string port = std::to_string(held.port());
  RevaerDaemon daemon(dir / "data", dir / "logs");
  json changeset = loopback_changeset();
  changeset["engine_profile"]["listen_port"] = held.port();
  daemon.complete_setup(changeset);

  std::optional<std::string> reason;
  ASSERT_TRUE(wait_until([&] { return (reason = engine_degraded(daemon)).has_value(); }, 60s))
      << daemon.log_tail();
  EXPECT_NE(reason->find("127.0.0.1:" + port), std::string::npos) << *reason;
  EXPECT_NE(reason->find("Address already in use"), std::string::npos) << *reason;
  const std::optional<json> degraded = find_engine_event(daemon, [&](const json& data) {
    return data.at("status") == "degraded" &&
           data.at("reason").get<std::string>().find(port) != std::string::npos;
  });
  EXPECT_TRUE(degraded) << "no health_changed event for the listen failure";

  held.release();
  ASSERT_TRUE(wait_until([&] { return !engine_degraded(daemon); }, 120s))
      << engine_degraded(daemon).value_or("") << "\n"
      << daemon.log_tail();
  EXPECT_TRUE(port_accepts(static_cast<std::uint16_t>(held.port())));
  const std::optional<json> recovered =
      find_engine_event(daemon, [](const json& data) { return data.at("status") == "ok"; });
  EXPECT_TRUE(recovered) << "no health_changed event for the recovery";

  const auto stopped = daemon.terminate();
  ASSERT_TRUE(stopped.has_value()) << "revaerd ignored SIGTERM";
  EXPECT_EQ(stopped->shell_code(), 0) << daemon.log_tail();
}

void post_action(const RevaerDaemon& daemon, const std::string& id, const std::string& type) {
  const client::HttpResponse response =
      daemon.send("POST", "/v1/torrents/" + id + "/action", json{{"type", type}}.dump());
  EXPECT_EQ(response.status, 202) << type << ": " << response.body;
}

TEST(EngineFaultsE2e, FullResumeDirKeepsPreviousFile) {
  TempDir dir("revaer-e2e-resume-full");
  TmpfsMount resume_disk(dir / "resume", 1024 * 1024);
  if (!resume_disk.mounted()) GTEST_SKIP() << resume_disk.error();

  write_content(dir / "content" / "Sample", sample_layout(), 77);
  const std::string announce = "http://127.0.0.1:" + std::to_string(free_port()) + "/announce";
  const std::string metainfo =
      make_torrent(dir / "content" / "Sample", announce, 15, dir / "sample.torrent");
  RevaerDaemon daemon(dir / "data", dir / "logs");
  json changeset = loopback_changeset();
  changeset["engine_profile"]["resume_dir"] = resume_disk.dir().string();
  daemon.complete_setup(changeset);

  const client::HttpResponse added = daemon.send(
      "POST", "/v1/torrents",
      json{{"metainfo", base64_encode(metainfo)}, {"start_paused", true}}.dump());
  ASSERT_EQ(added.status, 202) << added.body;
  const std::string id = json::parse(added.body).at("id");
  const std::filesystem::path resume_file = resume_disk.dir() / (id + ".resume");
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(resume_file); }, 60s))
      << daemon.log_tail();

  // Once the disk is full no save can change the file, so this is the
  // previous resume file that must survive.
  const std::uint64_t filler = fill_filesystem(resume_disk.dir() / "filler");
  EXPECT_GT(filler, 0u);
  const std::string before = read_file_bytes(resume_file);
  ASSERT_FALSE(before.empty());

  // Pausing saves resume data, and that write finds the disk full.
  post_action(daemon, id, "resume");
  post_action(daemon, id, "pause");
  std::optional<std::string> reason;
  ASSERT_TRUE(wait_until([&] { return (reason = engine_degraded(daemon)).has_value(); }, 60s))
      << daemon.log_tail();
  EXPECT_NE(reason->find(id), std::string::npos) << *reason;
  EXPECT_NE(reason->find("No space left on device"), std::string::npos) << *reason;
  EXPECT_TRUE(find_engine_event(daemon, [&](const json& data) {
    return data.at("status") == "degraded" &&
           data.at("reason").get<std::string>().find(id) != std::string::npos;
  })) << "no health_changed event for the failed resume write";

  EXPECT_EQ(daemon.send("GET", "/health").status, 200);
  EXPECT_EQ(daemon.send("GET", "/v1/torrents/" + id).status, 200);
  EXPECT_TRUE(read_file_bytes(resume_file) == before) << "the previous resume file changed";
  EXPECT_FALSE(std::filesystem::exists(resume_file.string() + ".tmp"));
  EXPECT_NE(read_file_bytes(daemon.log_path()).find("could not save resume data"),
            std::string::npos);

  std::filesystem::remove(resume_disk.dir() / "filler");
  ASSERT_TRUE(wait_until([&] { return !engine_degraded(daemon); }, 120s))
      << engine_degraded(daemon).value_or("") << "\n"
      << daemon.log_tail();
  EXPECT_FALSE(read_file_bytes(resume_file).empty());
  EXPECT_FALSE(std::filesystem::exists(resume_file.string() + ".tmp"));

  const auto stopped = daemon.terminate();
  ASSERT_TRUE(stopped.has_value()) << "revaerd ignored SIGTERM";
  EXPECT_EQ(stopped->shell_code(), 0) << daemon.log_tail();
}

}  // namespace
}  // namespace revaer::test
