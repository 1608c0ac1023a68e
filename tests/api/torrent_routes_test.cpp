#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "tests/api/torrent_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

constexpr const char* kMagnet = kTestMagnet;

TEST_F(TorrentRoutes, AddMagnet) {
  json body = {{"magnet", kMagnet},     {"name", "ubuntu"},
               {"tags", {"iso", "os"}}, {"category", "linux"},
               {"sequential", true},    {"start_paused", true}};
  Reply reply = request(verb::post, "/v1/torrents", body.dump(),
                        {{"x-revaer-api-key", api_key_},
                         {"x-request-id", "add-1"}});
  ASSERT_EQ(reply.status, 202) << reply.body;
  std::string id = reply.json().at("id");
  EXPECT_EQ(reply.header("location"), "/v1/torrents/" + id);

  std::vector<AddTorrentRequest> requests = engine_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].magnet, kMagnet);
  EXPECT_FALSE(requests[0].metainfo);
  EXPECT_EQ(requests[0].name, "ubuntu");
  EXPECT_EQ(requests[0].tags, (std::vector<std::string>{"iso", "os"}));
  EXPECT_EQ(requests[0].category, "linux");
  EXPECT_TRUE(requests[0].sequential);
  EXPECT_TRUE(requests[0].start_paused);
  EXPECT_EQ(requests[0].request_id, "add-1");
}

TEST_F(TorrentRoutes, AddMetainfoDecodesBase64) {
  std::string metainfo = "d4:infod4:name3:abcee";
  Reply reply =
      authed(verb::post, "/v1/torrents",
             json{{"metainfo", base64_encode(metainfo)},
                  {"id", "6f1c1b0e-2a7d-4d8a-9a57-4a2b9b1e6c11"}}
                 .dump());
  ASSERT_EQ(reply.status, 202) << reply.body;
  EXPECT_EQ(reply.json().at("id"), "6f1c1b0e-2a7d-4d8a-9a57-4a2b9b1e6c11");
  ASSERT_EQ(engine_.requests().size(), 1u);
  EXPECT_EQ(engine_.requests()[0].metainfo, metainfo);
}

TEST_F(TorrentRoutes, AddLargeMetainfo) {
  std::string pieces(3 * 1024 * 1024, 'm');
  std::string metainfo = "d4:infod4:name3:abc6:pieces" +
                         std::to_string(pieces.size()) + ":" + pieces + "ee";
  Reply reply = authed(verb::post, "/v1/torrents",
                       json{{"metainfo", base64_encode(metainfo)}}.dump());
  ASSERT_EQ(reply.status, 202) << reply.body;
  EXPECT_EQ(engine_.requests().at(0).metainfo->size(), metainfo.size());
}

TEST_F(TorrentRoutes, AddInvalidBase64) {
  Reply reply = authed(verb::post, "/v1/torrents",
                       R"({"metainfo":"not*base64!"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.header("content-type"), "application/problem+json");
  EXPECT_EQ(pointers(reply), std::set<std::string>{"/metainfo"});
  EXPECT_TRUE(engine_.requests().empty());
}

TEST_F(TorrentRoutes, AddBothSources) {
  Reply reply =
      authed(verb::post, "/v1/torrents",
             json{{"magnet", kMagnet}, {"metainfo", base64_encode("x")}}.dump());
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(pointers(reply),
            (std::set<std::string>{"/magnet", "/metainfo"}));
}

TEST_F(TorrentRoutes, AddNeitherSource) {
  Reply reply = authed(verb::post, "/v1/torrents", R"({"name":"x"})");
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(pointers(reply),
            (std::set<std::string>{"/magnet", "/metainfo"}));
}

TEST_F(TorrentRoutes, AddWrongTypes) {
  json body = {{"magnet", kMagnet}, {"sequential", "yes"}, {"tags", "a"},
               {"name", 7},         {"id", "not-a-uuid"},  {"bogus", 1}};
  Reply reply = authed(verb::post, "/v1/torrents", body.dump());
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(pointers(reply),
            (std::set<std::string>{"/sequential", "/tags", "/name", "/id",
                                   "/bogus"}));
}

TEST_F(TorrentRoutes, AddMagnetTooLong) {
  std::string magnet = std::string(kMagnet) + "&dn=" + std::string(9000, 'a');
  Reply reply = authed(verb::post, "/v1/torrents", json{{"magnet", magnet}}.dump());
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(pointers(reply), std::set<std::string>{"/magnet"});
}

TEST_F(TorrentRoutes, AddBodyNotObject) {
  EXPECT_EQ(authed(verb::post, "/v1/torrents", "[1]").status, 422);
  EXPECT_EQ(authed(verb::post, "/v1/torrents", "{").status, 400);
}

TEST_F(TorrentRoutes, EngineStopped) {
  engine_.set_running(false);
  Reply list = authed(verb::get, "/v1/torrents");
  EXPECT_EQ(list.status, 503);
  EXPECT_EQ(list.header("content-type"), "application/problem+json");
  Reply added =
      authed(verb::post, "/v1/torrents", json{{"magnet", kMagnet}}.dump());
  EXPECT_EQ(added.status, 503);
}

TEST_F(TorrentRoutes, NeedsKey) {
  EXPECT_EQ(request(verb::get, "/v1/torrents").status, 401);
}

TEST_F(TorrentRoutes, ListShapes) {
  std::string id = add("first");
  Reply reply = authed(verb::get, "/v1/torrents");
  ASSERT_EQ(reply.status, 200) << reply.body;
  json body = reply.json();
  ASSERT_EQ(body.at("torrents").size(), 1u);
  EXPECT_TRUE(body.at("next").is_null());
  const json& summary = body.at("torrents").at(0);
  EXPECT_EQ(summary.at("id"), id);
  EXPECT_EQ(summary.at("state").at("kind"), "queued");
  EXPECT_TRUE(summary.at("progress").contains("percent_complete"));
  EXPECT_TRUE(summary.at("rates").contains("ratio"));
  EXPECT_FALSE(summary.contains("files"));
}

TEST_F(TorrentRoutes, PagingCoversAll) {
  std::vector<std::string> added;
  for (int i = 0; i < 7; ++i) {
    added.push_back(add("t" + std::to_string(i)));
  }
  EXPECT_EQ(walk("/v1/torrents?limit=3", [] {}), added);
  EXPECT_EQ(walk("/v1/torrents?limit=7", [] {}), added);
}

TEST_F(TorrentRoutes, PagingStableUnderChanges) {
  std::vector<std::string> initial;
  for (int i = 0; i < 10; ++i) {
    initial.push_back(add("t" + std::to_string(i)));
  }

  // After each page: remove the oldest torrent still present, which the
  // walk has already passed, and one not yet seen. Then add two new ones.
  std::set<std::string> removed;
  int round = 0;
  auto mutate = [&] {
    std::vector<TorrentStatus> all = engine_.list();
    ASSERT_GE(all.size(), 2u);
    for (const std::string& id : {all.front().id, all.back().id}) {
      ASSERT_TRUE(engine_.remove(id, false).ok());
      removed.insert(id);
    }
    add("new" + std::to_string(round++));
    add("new" + std::to_string(round++));
  };
  std::vector<std::string> seen = walk("/v1/torrents?limit=3", mutate);

  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "an item repeated";
  for (const std::string& id : initial) {
    if (removed.count(id) == 0) {
      EXPECT_EQ(unique.count(id), 1u) << "skipped " << id;
    }
  }
}

TEST_F(TorrentRoutes, FilterByState) {
  std::string a = add("alpha");
  std::string b = add("beta");
  add("gamma");
  ASSERT_TRUE(engine_.pause(a).ok());
  ASSERT_TRUE(engine_.resume(b).ok());

  EXPECT_EQ(walk("/v1/torrents?state=stopped", [] {}),
            std::vector<std::string>{a});
  EXPECT_EQ(walk("/v1/torrents?state=STOPPED,Downloading", [] {}),
            (std::vector<std::string>{a, b}));
}

TEST_F(TorrentRoutes, FilterByName) {
  std::string a = add("Ubuntu Server");
  std::string b = add("Debian Netinst");
  add("Fedora");
  EXPECT_EQ(walk("/v1/torrents?name=ubuntu,NETINST", [] {}),
            (std::vector<std::string>{a, b}));
  EXPECT_EQ(walk("/v1/torrents?name=server&state=queued", [] {}),
            (std::vector<std::string>{a}));
}

TEST_F(TorrentRoutes, InvalidQuery) {
  Reply state = authed(verb::get, "/v1/torrents?state=sleeping");
  EXPECT_EQ(state.status, 422);
  EXPECT_EQ(pointers(state), std::set<std::string>{"/state"});

  for (const char* limit : {"0", "201", "ten", "-1", ""}) {
    Reply reply =
        authed(verb::get, std::string("/v1/torrents?limit=") + limit);
    EXPECT_EQ(reply.status, 422) << "limit=" << limit;
  }
  EXPECT_EQ(authed(verb::get, "/v1/torrents?limit=200").status, 200);

  Reply cursor = authed(verb::get, "/v1/torrents?cursor=%%%");
  EXPECT_EQ(cursor.status, 400);
  Reply garbage = authed(verb::get, "/v1/torrents?cursor=bm9jb2xvbg");
  expect_problem(garbage, 400);
  EXPECT_EQ(pointers(garbage), std::set<std::string>{"/cursor"});
}

TEST_F(TorrentRoutes, Detail) {
  TorrentStatus status;
  status.id = "c0ffee00-0000-4000-8000-000000000001";
  status.name = "with files";
  status.added_at_ms = 5;
  status.files = {{0, "dir/a.mkv", 100, 50, "normal", true},
                  {1, "dir/b.nfo", 10, 0, "skip", false}};
  status.fsops.state = "running";
  status.fsops.step = "extract";
  engine_.insert(status);

  Reply reply = authed(verb::get, "/v1/torrents/" + status.id);
  ASSERT_EQ(reply.status, 200) << reply.body;
  json body = reply.json();
  EXPECT_EQ(body.at("id"), status.id);
  ASSERT_EQ(body.at("files").size(), 2u);
  EXPECT_EQ(body.at("files").at(1).at("priority"), "skip");
  EXPECT_EQ(body.at("fsops").at("step"), "extract");
  EXPECT_EQ(body.at("settings").at("download_dir"), "");
}

TEST_F(TorrentRoutes, DetailUnknown) {
  Reply reply =
      authed(verb::get, "/v1/torrents/00000000-0000-4000-8000-000000000000");
  expect_problem(reply, 404);
}

TEST_F(TorrentRoutes, MalformedIdIsBadRequest) {
  for (const char* target :
       {"/v1/torrents/nope", "/v1/torrents/nope/trackers",
        "/v1/torrents/nope/peers",
        "/v1/torrents/00000000-0000-4000-8000-00000000000g"}) {
    Reply reply = authed(verb::get, target);
    expect_problem(reply, 400);
    EXPECT_EQ(pointers(reply), std::set<std::string>{"/id"}) << target;
  }
  Reply action =
      authed(verb::post, "/v1/torrents/nope/action", R"({"type":"pause"})");
  expect_problem(action, 400);
  EXPECT_TRUE(engine_.actions().empty());
}

TEST_F(TorrentRoutes, ActionPauseAndRemove) {
  std::string id = add("x");
  Reply pause = authed(verb::post, "/v1/torrents/" + id + "/action",
                       R"({"type":"pause"})");
  EXPECT_EQ(pause.status, 202) << pause.body;
  Reply remove = authed(verb::post, "/v1/torrents/" + id + "/action",
                        R"({"type":"remove","delete_data":true})");
  EXPECT_EQ(remove.status, 202) << remove.body;
  EXPECT_EQ(engine_.actions(),
            (std::vector<std::string>{"pause " + id, "remove+data " + id}));
  EXPECT_FALSE(engine_.find(id));
}

TEST_F(TorrentRoutes, ActionUnknownType) {
  std::string id = add("x");
  Reply reply = authed(verb::post, "/v1/torrents/" + id + "/action",
                       R"({"type":"explode"})");
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(pointers(reply), std::set<std::string>{"/type"});

  Reply wrong = authed(verb::post, "/v1/torrents/" + id + "/action",
                       R"({"type":"remove","delete_data":"yes"})");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(pointers(wrong), std::set<std::string>{"/delete_data"});
  EXPECT_TRUE(engine_.actions().empty());
}

TEST_F(TorrentRoutes, ActionUnknownTorrent) {
  Reply reply = authed(
      verb::post, "/v1/torrents/00000000-0000-4000-8000-000000000000/action",
      R"({"type":"resume"})");
  expect_problem(reply, 404);
}

}  // namespace
}  // namespace revaer::test
