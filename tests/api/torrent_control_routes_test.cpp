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

class TorrentControl : public TorrentRoutes {
 protected:
  Reply post(const std::string& id, const std::string& route,
             const json& body) {
    return authed(verb::post, "/v1/torrents/" + id + "/" + route, body.dump());
  }

  Reply action(const std::string& id, const json& body) {
    return post(id, "action", body);
  }
};

TEST_F(TorrentControl, SelectPassesSelection) {
  std::string id = add("show");
  json body = {{"include", {"**/*.mkv"}},
               {"exclude", {"*sample*"}},
               {"skip_fluff", true},
               {"priorities", {{{"index", 2}, {"priority", "high"}}}}};
  Reply reply = post(id, "select", body);
  ASSERT_EQ(reply.status, 202) << reply.body;
  EXPECT_EQ(reply.json(), json({{"id", id}}));

  std::vector<FileSelection> selections = engine_.selections();
  ASSERT_EQ(selections.size(), 1u);
  EXPECT_EQ(selections[0].include, std::vector<std::string>{"**/*.mkv"});
  EXPECT_EQ(selections[0].exclude, std::vector<std::string>{"*sample*"});
  EXPECT_TRUE(selections[0].skip_fluff);
  EXPECT_EQ(selections[0].priorities,
            (std::vector<std::pair<int, std::string>>{{2, "high"}}));

  json detail = authed(verb::get, "/v1/torrents/" + id).json();
  EXPECT_EQ(detail.at("selection"), json({{"include", {"**/*.mkv"}},
                                          {"exclude", {"*sample*"}},
                                          {"skip_fluff", true}}));
}

TEST_F(TorrentControl, SelectRejectsInvalid) {
  std::string id = add("show");
  Reply reply = post(id, "select",
                     {{"include", {"[a-"}},
                      {"priorities", {{{"index", -1}, {"priority", "max"}}}}});
  expect_problem(reply, 422);
  EXPECT_EQ(pointers(reply),
            (std::set<std::string>{"/include/0", "/priorities/0/index",
                                   "/priorities/0/priority"}));
  EXPECT_TRUE(engine_.selections().empty());
}

TEST_F(TorrentControl, SelectIndexOutOfRange) {
  TorrentStatus status;
  status.id = "c0ffee00-0000-4000-8000-000000000002";
  status.files = {{0, "a.mkv", 1, 0, "normal", true}};
  engine_.insert(status);
  Reply reply = post(status.id, "select",
                     {{"priorities", {{{"index", 5}, {"priority", "low"}}}}});
  expect_problem(reply, 422);
  EXPECT_TRUE(engine_.selections().empty());
}

TEST_F(TorrentControl, SelectUnknownTorrent) {
  expect_problem(post(kUnknownId, "select", json::object()), 404);
  expect_problem(post("not-a-uuid", "select", json::object()), 400);
}

TEST_F(TorrentControl, ActionsReachEngine) {
  std::string id = add("x");
  for (const char* type : {"reannounce", "recheck", "pause", "resume"}) {
    Reply reply = action(id, {{"type", type}});
    ASSERT_EQ(reply.status, 202) << type << ": " << reply.body;
    EXPECT_EQ(reply.json(), json({{"id", id}, {"type", type}}));
  }
  EXPECT_EQ(engine_.actions(),
            (std::vector<std::string>{"reannounce " + id, "recheck " + id,
                                      "pause " + id, "resume " + id}));
}

TEST_F(TorrentControl, SequentialAction) {
  std::string id = add("x");
  Reply reply = action(id, {{"type", "sequential"}, {"enable", true}});
  ASSERT_EQ(reply.status, 202) << reply.body;
  std::vector<TorrentSettingsChange> changes = engine_.settings_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].sequential, true);
  EXPECT_FALSE(changes[0].max_download_bps);
  EXPECT_TRUE(engine_.find(id)->sequential);
}

TEST_F(TorrentControl, RateAction) {
  std::string id = add("x");
  Reply reply = action(id, {{"type", "rate"}, {"download_bps", 0},
                            {"upload_bps", 1'000'000'000'000}});
  ASSERT_EQ(reply.status, 202) << reply.body;
  std::vector<TorrentSettingsChange> changes = engine_.settings_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].max_download_bps, 0);
  EXPECT_EQ(changes[0].max_upload_bps, 1'000'000'000'000);
  EXPECT_FALSE(changes[0].sequential);

  Reply absurd = action(id, {{"type", "rate"}, {"upload_bps", 1'000'000'000'001}});
  expect_problem(absurd, 422);
  EXPECT_EQ(pointers(absurd), std::set<std::string>{"/upload_bps"});
  Reply negative = action(id, {{"type", "rate"}, {"download_bps", -1}});
  EXPECT_EQ(pointers(negative), std::set<std::string>{"/download_bps"});
  EXPECT_EQ(engine_.settings_changes().size(), 1u);
}

TEST_F(TorrentControl, MoveInsideAllowedRoots) {
  std::string id = add("x");
  for (const std::string& target :
       {download_root() + "/moved", media_dir(), media_dir() + "/films"}) {
    Reply reply = action(id, {{"type", "move"}, {"download_dir", target}});
    ASSERT_EQ(reply.status, 202) << target << ": " << reply.body;
    EXPECT_EQ(engine_.actions().back(), "move " + id + " " + target);
  }
}

TEST_F(TorrentControl, MoveRejectsOutsideTargets) {
  std::string id = add("x");
  for (const std::string& target :
       {std::string("relative/dir"), std::string("/etc"),
        download_root() + "/../escape", download_root() + "//double",
        download_root() + "-sibling", media_dir() + "/./x"}) {
    Reply reply = action(id, {{"type", "move"}, {"download_dir", target}});
    expect_problem(reply, 422);
    EXPECT_EQ(pointers(reply), std::set<std::string>{"/download_dir"})
        << target;
  }
  EXPECT_TRUE(engine_.actions().empty());
  EXPECT_EQ(engine_.find(id)->download_dir, "/downloads");
}

TEST_F(TorrentControl, MoveFollowsConfigChanges) {
  std::string id = add("x");
  std::string other = (dir_ / "other").string();
  Reply before = action(id, {{"type", "move"}, {"download_dir", other}});
  expect_problem(before, 422);

  Reply patched = authed(verb::patch, "/v1/config",
                         json{{"fs_policy", {{"allow_paths", {other}}}}}.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;
  Reply after = action(id, {{"type", "move"}, {"download_dir", other}});
  EXPECT_EQ(after.status, 202) << after.body;
}

TEST_F(TorrentControl, ActionRejectsUnsupportedType) {
  std::string id = add("x");
  Reply reply = action(id, {{"type", "defragment"}});
  expect_problem(reply, 422);
  EXPECT_EQ(pointers(reply), std::set<std::string>{"/type"});
  Reply stray = action(id, {{"type", "pause"}, {"enable", true}});
  EXPECT_EQ(pointers(stray), std::set<std::string>{"/enable"});
  EXPECT_TRUE(engine_.actions().empty());
}

TEST_F(TorrentControl, OptionsPatch) {
  std::string id = add("x");
  json body = {{"max_download_bps", 5000},
               {"max_connections", 30},
               {"seed_ratio_limit", 1.25},
               {"seed_time_limit", 7200},
               {"auto_managed", false},
               {"super_seeding", true},
               {"sequential", true}};
  Reply reply = authed(verb::patch, "/v1/torrents/" + id + "/options",
                       body.dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
  json settings = reply.json().at("settings");
  EXPECT_EQ(reply.json().at("id"), id);
  EXPECT_EQ(settings.at("max_download_bps"), 5000);
  EXPECT_EQ(settings.at("max_upload_bps"), 0);
  EXPECT_EQ(settings.at("max_connections"), 30);
  EXPECT_EQ(settings.at("seed_ratio_limit"), 1.25);
  EXPECT_EQ(settings.at("seed_time_limit"), 7200);
  EXPECT_EQ(settings.at("auto_managed"), false);
  EXPECT_EQ(settings.at("super_seeding"), true);
  EXPECT_EQ(settings.at("sequential"), true);

  std::vector<TorrentSettingsChange> changes = engine_.settings_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].max_download_bps, 5000);
  EXPECT_FALSE(changes[0].max_upload_bps);
  EXPECT_EQ(changes[0].seed_ratio_limit, 1.25);

  json detail = authed(verb::get, "/v1/torrents/" + id).json();
  EXPECT_EQ(detail.at("settings").at("seed_time_limit"), 7200);
}

TEST_F(TorrentControl, OptionsNullReturnsToGlobal) {
  std::string id = add("x");
  ASSERT_EQ(authed(verb::patch, "/v1/torrents/" + id + "/options",
                   R"({"seed_ratio_limit": 3, "seed_time_limit": 60})")
                .status,
            200);
  Reply reply = authed(verb::patch, "/v1/torrents/" + id + "/options",
                       R"({"seed_ratio_limit": null, "seed_time_limit": null})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(reply.json().at("settings").at("seed_ratio_limit").is_null());
  EXPECT_TRUE(reply.json().at("settings").at("seed_time_limit").is_null());
  TorrentSettingsChange last = engine_.settings_changes().back();
  EXPECT_TRUE(last.clear_seed_ratio_limit);
  EXPECT_TRUE(last.clear_seed_time_limit);
}

TEST_F(TorrentControl, OptionsRejectInvalid) {
  std::string id = add("x");
  Reply reply = authed(verb::patch, "/v1/torrents/" + id + "/options",
                       R"({"max_upload_bps": -3, "max_uploads": "4",
                           "sequential": 1, "speed": 9})");
  expect_problem(reply, 422);
  EXPECT_EQ(pointers(reply),
            (std::set<std::string>{"/max_upload_bps", "/max_uploads",
                                   "/sequential", "/speed"}));
  EXPECT_TRUE(engine_.settings_changes().empty());

  expect_problem(authed(verb::patch, "/v1/torrents/" + id + "/options", "[]"),
                 422);
  expect_problem(authed(verb::patch, "/v1/torrents/" + id + "/options", "{"),
                 400);
  expect_problem(authed(verb::patch,
                        std::string("/v1/torrents/") + kUnknownId + "/options",
                        "{}"),
                 404);
}

TEST_F(TorrentControl, AddPassesNewMembers) {
  json body = {{"magnet", kTestMagnet},
               {"trackers", {"udp://t.example:6969/announce",
                             {{"url", "https://u.example/announce"}, {"tier", 1}}}},
               {"replace_trackers", true},
               {"include", {"*.mkv"}},
               {"exclude", {"*.txt"}},
               {"skip_fluff", true},
               {"max_download_bps", 100},
               {"max_upload_bps", 200},
               {"seed_ratio_limit", 0},
               {"seed_time_limit", 10}};
  Reply reply = authed(verb::post, "/v1/torrents", body.dump());
  ASSERT_EQ(reply.status, 202) << reply.body;

  std::vector<AddTorrentRequest> requests = engine_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const AddTorrentRequest& request = requests[0];
  ASSERT_EQ(request.trackers.size(), 2u);
  EXPECT_EQ(request.trackers[1].url, "https://u.example/announce");
  EXPECT_EQ(request.trackers[1].tier, 1);
  EXPECT_TRUE(request.replace_trackers);
  EXPECT_EQ(request.selection.include, std::vector<std::string>{"*.mkv"});
  EXPECT_EQ(request.selection.exclude, std::vector<std::string>{"*.txt"});
  EXPECT_TRUE(request.selection.skip_fluff);
  EXPECT_EQ(request.settings.max_download_bps, 100);
  EXPECT_EQ(request.settings.max_upload_bps, 200);
  EXPECT_EQ(request.settings.seed_ratio_limit, 0.0);
  EXPECT_EQ(request.settings.seed_time_limit_secs, 10);
}

TEST_F(TorrentControl, AddRejectsInvalidNewMembers) {
  json body = {{"magnet", kTestMagnet},
               {"trackers", {"gopher://x"}},
               {"include", {"a\\"}},
               {"max_upload_bps", -1},
               {"seed_ratio_limit", "high"}};
  Reply reply = authed(verb::post, "/v1/torrents", body.dump());
  expect_problem(reply, 422);
  EXPECT_EQ(pointers(reply),
            (std::set<std::string>{"/trackers/0", "/include/0",
                                   "/max_upload_bps", "/seed_ratio_limit"}));
  EXPECT_TRUE(engine_.requests().empty());
}

}  // namespace
}  // namespace revaer::test
