// A restarted revaerd serves requests while its stored torrents load in the
// background: requests that name a stored torrent get it, a second add of
// one conflicts, and once loading ends every torrent is listed once.

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

constexpr int kTorrents = 150;

// A magnet with a random info-hash and no peers.
std::string lonely_magnet() { return "magnet:?xt=urn:btih:" + random_hex(20); }

std::string add_magnet(const RevaerDaemon& daemon, const std::string& magnet) {
  const client::HttpResponse added =
      daemon.send("POST", "/v1/torrents", json{{"magnet", magnet}}.dump());
  EXPECT_EQ(added.status, 202) << added.body;
  return json::parse(added.body, nullptr, false).value("id", "");
}

std::vector<std::string> listed_ids(const RevaerDaemon& daemon) {
  std::vector<std::string> ids;
  std::string target = "/v1/torrents?limit=200";
  while (true) {
    const client::HttpResponse page = daemon.send("GET", target);
    EXPECT_EQ(page.status, 200) << page.body;
    const json body = json::parse(page.body, nullptr, false);
    if (!body.is_object()) return ids;
    for (const json& torrent : body["torrents"]) ids.push_back(torrent.value("id", ""));
    if (!body["next"].is_string()) return ids;
    target = "/v1/torrents?limit=200&cursor=" + body["next"].get<std::string>();
  }
}

TEST(RestartLoading, StoredTorrentsAnswerWhileLoading) {
  TempDir dir("revaer-e2e-restart-loading");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  daemon.complete_setup(loopback_changeset());
  std::vector<std::string> magnets;
  std::vector<std::string> ids;
  for (int i = 0; i < kTorrents; ++i) {
    magnets.push_back(lonely_magnet());
    ids.push_back(add_magnet(daemon, magnets.back()));
    ASSERT_FALSE(ids.back().empty());
  }
  ASSERT_TRUE(daemon.terminate().has_value());

  daemon.start(false);
  const client::HttpResponse health = daemon.send("GET", "/health/full");
  ASSERT_EQ(health.status, 200) << health.body;
  const json torrents = json::parse(health.body, nullptr, false)["torrents"];
  ASSERT_TRUE(torrents["loading"].is_number_unsigned()) << health.body;
  EXPECT_LE(torrents["loading"].get<int>(), kTorrents);

  const client::HttpResponse detail = daemon.send("GET", "/v1/torrents/" + ids.back());
  EXPECT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(json::parse(detail.body, nullptr, false).value("id", ""), ids.back());

  const client::HttpResponse again =
      daemon.send("POST", "/v1/torrents", json{{"magnet", magnets[kTorrents - 2]}}.dump());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(json::parse(again.body, nullptr, false).value("existing_id", ""),
            ids[kTorrents - 2]);

  const client::HttpResponse paused = daemon.send(
      "POST", "/v1/torrents/" + ids[kTorrents - 3] + "/action", json{{"type", "pause"}}.dump());
  EXPECT_LT(paused.status, 300) << paused.body;

  daemon.wait_loaded();
  const std::vector<std::string> listed = listed_ids(daemon);
  EXPECT_EQ(listed.size(), static_cast<std::size_t>(kTorrents));
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()),
            std::set<std::string>(ids.begin(), ids.end()));

  // The pause was stored, so it outlives one more restart.
  ASSERT_TRUE(daemon.terminate().has_value());
  daemon.start();
  const json state = wait_for_torrent(
      daemon.cli(), ids[kTorrents - 3],
      [](const json& status) { return status["state"].value("kind", "") == "stopped"; },
      std::chrono::seconds(30), "the paused torrent to show as stopped");
  EXPECT_EQ(state["state"].value("kind", ""), "stopped");
}

}  // namespace
}  // namespace revaer::test
