#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/api/torrent_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

constexpr const char* kUnknownId = "00000000-0000-4000-8000-000000000000";

using TorrentTrackers = TorrentRoutes;

TEST_F(TorrentTrackers, ListTrackers) {
  std::string id = add("x");
  engine_.set_tracker_statuses(
      {{"http://127.0.0.1:1/announce", 0, "working", "", 3, 7, 1'000},
       {"udp://127.0.0.1:2/announce", 1, "error", "timed out", -1, -1,
        std::nullopt}});
  Reply reply = authed(verb::get, "/v1/torrents/" + id + "/trackers");
  ASSERT_EQ(reply.status, 200) << reply.body;
  json trackers = reply.json().at("trackers");
  ASSERT_EQ(trackers.size(), 2u);
  EXPECT_EQ(trackers[0], json({{"url", "http://127.0.0.1:1/announce"},
                               {"tier", 0},
                               {"status", "working"},
                               {"message", ""},
                               {"seeds", 3},
                               {"peers", 7},
                               {"next_announce", "1970-01-01T00:00:01.000Z"}}));
  EXPECT_EQ(trackers[1].at("status"), "error");
  EXPECT_EQ(trackers[1].at("message"), "timed out");
  EXPECT_TRUE(trackers[1].at("seeds").is_null());
  EXPECT_FALSE(trackers[1].contains("next_announce"));
}

TEST_F(TorrentTrackers, AddAndReplaceTrackers) {
  std::string id = add("x");
  Reply reply = authed(
      verb::patch, "/v1/torrents/" + id + "/trackers",
      json{{"add", {"http://a.example/announce",
                    {{"url", "udp://b.example:1/announce"}, {"tier", 4}}}},
           {"replace", true}}
          .dump());
  ASSERT_EQ(reply.status, 202) << reply.body;
  EXPECT_EQ(reply.json(), json({{"id", id}}));

  std::vector<TrackerEdit> edits = engine_.tracker_edits();
  ASSERT_EQ(edits.size(), 1u);
  ASSERT_EQ(edits[0].add.size(), 2u);
  EXPECT_EQ(edits[0].add[0].url, "http://a.example/announce");
  EXPECT_EQ(edits[0].add[0].tier, 0);
  EXPECT_EQ(edits[0].add[1].tier, 4);
  EXPECT_TRUE(edits[0].replace);
  EXPECT_TRUE(edits[0].remove.empty());
}

TEST_F(TorrentTrackers, RemoveTrackers) {
  std::string id = add("x");
  Reply reply = authed(verb::delete_, "/v1/torrents/" + id + "/trackers",
                       R"({"urls": ["http://a.example/announce"]})");
  ASSERT_EQ(reply.status, 202) << reply.body;
  std::vector<TrackerEdit> edits = engine_.tracker_edits();
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].remove,
            std::vector<std::string>{"http://a.example/announce"});
  EXPECT_TRUE(edits[0].add.empty());
  EXPECT_FALSE(edits[0].replace);
}

TEST_F(TorrentTrackers, RejectInvalidEdits) {
  std::string id = add("x");
  std::string target = "/v1/torrents/" + id + "/trackers";
  Reply scheme = authed(verb::patch, target,
                        R"({"add": ["file:///etc/passwd", {"tier": 1}]})");
  expect_problem(scheme, 422);
  EXPECT_EQ(pointers(scheme),
            (std::set<std::string>{"/add/0", "/add/1/url"}));
  Reply empty = authed(verb::delete_, target, R"({"urls": []})");
  EXPECT_EQ(pointers(empty), std::set<std::string>{"/urls"});
  Reply stray = authed(verb::delete_, target, R"({"add": []})");
  EXPECT_EQ(pointers(stray), (std::set<std::string>{"/add", "/urls"}));
  EXPECT_TRUE(engine_.tracker_edits().empty());

  expect_problem(authed(verb::patch,
                        std::string("/v1/torrents/") + kUnknownId + "/trackers",
                        R"({"add": []})"),
                 404);
  expect_problem(authed(verb::get, std::string("/v1/torrents/") + kUnknownId +
                                       "/trackers"),
                 404);
}

TEST_F(TorrentTrackers, WebSeeds) {
  std::string id = add("x");
  std::string target = "/v1/torrents/" + id + "/web_seeds";
  Reply added = authed(verb::patch, target,
                       R"({"add": ["https://m.example/a/", "http://m2/b"]})");
  ASSERT_EQ(added.status, 202) << added.body;
  Reply removed =
      authed(verb::patch, target, R"({"remove": ["http://m2/b"]})");
  ASSERT_EQ(removed.status, 202) << removed.body;

  json detail = authed(verb::get, "/v1/torrents/" + id).json();
  EXPECT_EQ(detail.at("web_seeds"), json({"https://m.example/a/"}));
  EXPECT_EQ(engine_.actions(), (std::vector<std::string>{
                                   "web_seeds " + id, "web_seeds " + id}));

  Reply bad = authed(verb::patch, target, R"({"add": ["udp://x:1"]})");
  expect_problem(bad, 422);
  EXPECT_EQ(pointers(bad), std::set<std::string>{"/add/0"});
  expect_problem(authed(verb::patch, target, "{}"), 422);
}

TEST_F(TorrentTrackers, Peers) {
  std::string id = add("x");
  engine_.set_peer_statuses({{"127.0.0.1:6881", "Transmission 3.00", "tcp",
                              false, true, 1.0, 100, 0, 5000, 0}});
  Reply reply = authed(verb::get, "/v1/torrents/" + id + "/peers");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json(), json({{"peers",
                                 {{{"address", "127.0.0.1:6881"},
                                   {"client", "Transmission 3.00"},
                                   {"connection", "tcp"},
                                   {"encrypted", false},
                                   {"incoming", true},
                                   {"progress", 1.0},
                                   {"download_bps", 100},
                                   {"upload_bps", 0},
                                   {"downloaded_bytes", 5000},
                                   {"uploaded_bytes", 0}}}}}));
  expect_problem(
      authed(verb::get, std::string("/v1/torrents/") + kUnknownId + "/peers"),
      404);
}

TEST_F(TorrentTrackers, CategoriesAndTags) {
  for (const auto& [category, tags] :
       std::vector<std::pair<std::string, json>>{
           {"tv", {"hd", "new"}}, {"films", {"hd"}}, {"tv", json::array()},
           {"", {"new", "new"}}}) {
    json body = {{"magnet", kTestMagnet}, {"tags", tags}};
    if (!category.empty()) {
      body["category"] = category;
    }
    ASSERT_EQ(authed(verb::post, "/v1/torrents", body.dump()).status, 202);
  }

  Reply categories = authed(verb::get, "/v1/torrents/categories");
  ASSERT_EQ(categories.status, 200) << categories.body;
  EXPECT_EQ(categories.json(),
            json({{"categories",
                   {{{"name", "films"}, {"torrents", 1}},
                    {{"name", "tv"}, {"torrents", 2}}}}}));

  Reply tags = authed(verb::get, "/v1/torrents/tags");
  ASSERT_EQ(tags.status, 200) << tags.body;
  EXPECT_EQ(tags.json(), json({{"tags",
                                {{{"name", "hd"}, {"torrents", 2}},
                                 {{"name", "new"}, {"torrents", 2}}}}}));
}

TEST_F(TorrentTrackers, LiteralRoutesWinOverId) {
  Reply categories = authed(verb::get, "/v1/torrents/categories");
  EXPECT_EQ(categories.json(), json({{"categories", json::array()}}));
  Reply tags = authed(verb::get, "/v1/torrents/tags");
  EXPECT_EQ(tags.json(), json({{"tags", json::array()}}));

  Reply post = authed(verb::post, "/v1/torrents/tags", "{}");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET");
}

}  // namespace
}  // namespace revaer::test
