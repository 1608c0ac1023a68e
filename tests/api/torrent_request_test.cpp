#include "api/torrent_request.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "api/move_target.hpp"
#include "api/torrent_control_request.hpp"
#include "core/base64.hpp"

namespace revaer {
namespace {

using nlohmann::json;

constexpr const char* kMagnet =
    "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567";

template <typename T>
std::set<std::string> pointers(const Result<T>& result) {
  std::set<std::string> found;
  if (!result) {
    for (const InvalidParam& param : result.problem().invalid_params) {
      found.insert(param.pointer);
    }
  }
  return found;
}

TEST(AddRequest, ReadsNewMembers) {
  json body = {{"magnet", kMagnet},
               {"trackers",
                {"http://a.example/announce",
                 {{"url", "udp://b.example:80/announce"}, {"tier", 2}}}},
               {"replace_trackers", true},
               {"include", {"**/*.mkv"}},
               {"exclude", {"*sample*"}},
               {"skip_fluff", true},
               {"max_download_bps", 1000},
               {"max_upload_bps", 0},
               {"seed_ratio_limit", 2.5},
               {"seed_time_limit", 3600}};
  Result<AddTorrentRequest> request = parse_add_torrent_request(body, "r1");
  ASSERT_TRUE(request) << request.problem().detail;
  const AddTorrentRequest& value = request.value();
  ASSERT_EQ(value.trackers.size(), 2u);
  EXPECT_EQ(value.trackers[0].url, "http://a.example/announce");
  EXPECT_EQ(value.trackers[0].tier, 0);
  EXPECT_EQ(value.trackers[1].url, "udp://b.example:80/announce");
  EXPECT_EQ(value.trackers[1].tier, 2);
  EXPECT_TRUE(value.replace_trackers);
  EXPECT_EQ(value.selection.include, std::vector<std::string>{"**/*.mkv"});
  EXPECT_EQ(value.selection.exclude, std::vector<std::string>{"*sample*"});
  EXPECT_TRUE(value.selection.skip_fluff);
  EXPECT_EQ(value.settings.max_download_bps, 1000);
  EXPECT_EQ(value.settings.max_upload_bps, 0);
  EXPECT_EQ(value.settings.seed_ratio_limit, 2.5);
  EXPECT_EQ(value.settings.seed_time_limit_secs, 3600);
  EXPECT_EQ(value.request_id, "r1");
}

TEST(AddRequest, RejectsInvalidNewMembers) {
  json body = {{"magnet", kMagnet},
               {"trackers", {"ftp://x/announce", {{"url", "http://ok"}, {"tier", -1}}, 7}},
               {"replace_trackers", "yes"},
               {"include", {"[unclosed"}},
               {"exclude", "*.nfo"},
               {"skip_fluff", 1},
               {"max_download_bps", -1},
               {"max_upload_bps", 1'000'000'000'001},
               {"seed_ratio_limit", -0.5},
               {"seed_time_limit", 1.5}};
  Result<AddTorrentRequest> request = parse_add_torrent_request(body, "r");
  ASSERT_FALSE(request);
  EXPECT_EQ(request.problem().status, 422);
  EXPECT_EQ(pointers(request),
            (std::set<std::string>{
                "/trackers/0", "/trackers/1/tier", "/trackers/2",
                "/replace_trackers", "/include/0", "/exclude", "/skip_fluff",
                "/max_download_bps", "/max_upload_bps", "/seed_ratio_limit",
                "/seed_time_limit"}));
}

TEST(AddRequest, RateCapIsInclusive) {
  json body = {{"magnet", kMagnet}, {"max_download_bps", 1'000'000'000'000}};
  EXPECT_TRUE(parse_add_torrent_request(body, "r"));
  body["max_download_bps"] = 18'446'744'073'709'551'615u;
  EXPECT_EQ(pointers(parse_add_torrent_request(body, "r")),
            std::set<std::string>{"/max_download_bps"});
}

TEST(AddRequest, RejectsEscapingMetainfo) {
  std::string metainfo = "d4:infod4:name2:..ee";
  Result<AddTorrentRequest> request = parse_add_torrent_request(
      {{"metainfo", base64_encode(metainfo)}}, "r");
  ASSERT_FALSE(request);
  EXPECT_EQ(request.problem().status, 422);
  EXPECT_EQ(pointers(request), std::set<std::string>{"/metainfo"});
}

TEST(UploadRequest, ReadsOptionsBelowPointer) {
  std::string metainfo = "d4:infod4:name3:abcee";
  Result<AddTorrentRequest> request = parse_upload_add_request(
      {{"tags", {"tv"}}, {"start_paused", true}}, metainfo, "r");
  ASSERT_TRUE(request) << request.problem().detail;
  EXPECT_EQ(request.value().metainfo, metainfo);
  EXPECT_FALSE(request.value().magnet);
  EXPECT_EQ(request.value().tags, std::vector<std::string>{"tv"});
  EXPECT_TRUE(request.value().start_paused);

  EXPECT_TRUE(parse_upload_add_request(nullptr, metainfo, "r"));

  Result<AddTorrentRequest> bad = parse_upload_add_request(
      {{"magnet", kMagnet}, {"metainfo", "x"}, {"tags", 3}}, metainfo, "r");
  EXPECT_EQ(pointers(bad),
            (std::set<std::string>{"/options/magnet", "/options/metainfo",
                                   "/options/tags"}));
  EXPECT_EQ(pointers(parse_upload_add_request(json::array(), metainfo, "r")),
            std::set<std::string>{"/options"});
  EXPECT_EQ(pointers(parse_upload_add_request(nullptr, "garbage", "r")),
            std::set<std::string>{"/torrent"});
}

TEST(ActionRequest, EveryType) {
  for (const char* type : {"pause", "resume", "reannounce", "recheck"}) {
    Result<TorrentAction> action = parse_torrent_action({{"type", type}});
    ASSERT_TRUE(action) << type;
    EXPECT_EQ(action.value().type, type);
  }
  EXPECT_TRUE(parse_torrent_action({{"type", "remove"}, {"delete_data", true}})
                  .value()
                  .delete_data);
  EXPECT_TRUE(parse_torrent_action({{"type", "sequential"}, {"enable", true}})
                  .value()
                  .enable);

  Result<TorrentAction> rate =
      parse_torrent_action({{"type", "rate"}, {"upload_bps", 500}});
  ASSERT_TRUE(rate);
  EXPECT_FALSE(rate.value().download_bps);
  EXPECT_EQ(rate.value().upload_bps, 500);

  Result<TorrentAction> move =
      parse_torrent_action({{"type", "move"}, {"download_dir", "/data/x"}});
  ASSERT_TRUE(move);
  EXPECT_EQ(move.value().download_dir, "/data/x");
}

TEST(ActionRequest, RejectsInvalid) {
  struct Case {
    json body;
    std::set<std::string> pointers;
  };
  const std::vector<Case> cases = {
      {{{"type", "explode"}}, {"/type"}},
      {json::object(), {"/type"}},
      {{{"type", 3}}, {"/type"}},
      {{{"type", "pause"}, {"delete_data", true}}, {"/delete_data"}},
      {{{"type", "sequential"}}, {"/enable"}},
      {{{"type", "sequential"}, {"enable", "yes"}}, {"/enable"}},
      {{{"type", "rate"}}, {"/download_bps"}},
      {{{"type", "rate"}, {"download_bps", -5}}, {"/download_bps"}},
      {{{"type", "rate"}, {"upload_bps", 1e13}}, {"/upload_bps"}},
      {{{"type", "move"}}, {"/download_dir"}},
      {{{"type", "move"}, {"download_dir", "/x"}, {"enable", true}},
       {"/enable"}},
  };
  for (const Case& item : cases) {
    Result<TorrentAction> action = parse_torrent_action(item.body);
    ASSERT_FALSE(action) << item.body.dump();
    EXPECT_EQ(action.problem().status, 422) << item.body.dump();
    EXPECT_EQ(pointers(action), item.pointers) << item.body.dump();
  }
}

TEST(SelectionRequest, ReadsAll) {
  Result<FileSelection> selection = parse_file_selection(
      {{"include", {"**/*.mkv"}},
       {"exclude", {"*.nfo"}},
       {"skip_fluff", true},
       {"priorities",
        {{{"index", 0}, {"priority", "high"}},
         {{"index", 3}, {"priority", "skip"}}}}});
  ASSERT_TRUE(selection) << selection.problem().detail;
  EXPECT_EQ(selection.value().include, std::vector<std::string>{"**/*.mkv"});
  EXPECT_EQ(selection.value().exclude, std::vector<std::string>{"*.nfo"});
  EXPECT_TRUE(selection.value().skip_fluff);
  EXPECT_EQ(selection.value().priorities,
            (std::vector<std::pair<int, std::string>>{{0, "high"},
                                                      {3, "skip"}}));
  EXPECT_TRUE(parse_file_selection(json::object()));
}

TEST(SelectionRequest, RejectsInvalid) {
  Result<FileSelection> selection = parse_file_selection(
      {{"include", {"ok", "bad\\"}},
       {"exclude", {""}},
       {"skip_fluff", "no"},
       {"priorities",
        {{{"index", -1}, {"priority", "high"}},
         {{"index", 1}, {"priority", "urgent"}},
         {{"index", 2}},
         {{"index", 4}, {"priority", "low"}, {"extra", 1}},
         {{"index", 5}, {"priority", "low"}},
         {{"index", 5}, {"priority", "low"}},
         "text"}},
       {"unknown", 1}});
  ASSERT_FALSE(selection);
  EXPECT_EQ(selection.problem().status, 422);
  EXPECT_EQ(pointers(selection),
            (std::set<std::string>{
                "/include/1", "/exclude/0", "/skip_fluff",
                "/priorities/0/index", "/priorities/1/priority",
                "/priorities/2/priority", "/priorities/3/extra",
                "/priorities/5/index", "/priorities/6", "/unknown"}));
}

TEST(OptionsRequest, ReadsPartialChange) {
  Result<TorrentSettingsChange> change = parse_settings_change(
      {{"max_download_bps", 10},
       {"max_connections", 50},
       {"seed_ratio_limit", nullptr},
       {"seed_time_limit", 60},
       {"super_seeding", true},
       {"sequential", false}});
  ASSERT_TRUE(change) << change.problem().detail;
  EXPECT_EQ(change.value().max_download_bps, 10);
  EXPECT_FALSE(change.value().max_upload_bps);
  EXPECT_EQ(change.value().max_connections, 50);
  EXPECT_FALSE(change.value().max_uploads);
  EXPECT_TRUE(change.value().clear_seed_ratio_limit);
  EXPECT_FALSE(change.value().seed_ratio_limit);
  EXPECT_FALSE(change.value().clear_seed_time_limit);
  EXPECT_EQ(change.value().seed_time_limit_secs, 60);
  EXPECT_FALSE(change.value().auto_managed);
  EXPECT_EQ(change.value().super_seeding, true);
  EXPECT_EQ(change.value().sequential, false);
}

TEST(OptionsRequest, RejectsInvalid) {
  Result<TorrentSettingsChange> change = parse_settings_change(
      {{"max_download_bps", "fast"},
       {"max_upload_bps", -1},
       {"max_connections", 70000},
       {"max_uploads", 1.5},
       {"seed_ratio_limit", "x"},
       {"seed_time_limit", -1},
       {"auto_managed", 1},
       {"bogus", true}});
  ASSERT_FALSE(change);
  EXPECT_EQ(pointers(change),
            (std::set<std::string>{"/max_download_bps", "/max_upload_bps",
                                   "/max_connections", "/max_uploads",
                                   "/seed_ratio_limit", "/seed_time_limit",
                                   "/auto_managed", "/bogus"}));
}

TEST(TrackerEditRequest, AddAndRemove) {
  Result<TrackerEdit> add = parse_tracker_edit(
      {{"add", {"https://t.example/announce", {{"url", "udp://u:1"}, {"tier", 3}}}},
       {"replace", true}},
      false);
  ASSERT_TRUE(add) << add.problem().detail;
  ASSERT_EQ(add.value().add.size(), 2u);
  EXPECT_EQ(add.value().add[1].tier, 3);
  EXPECT_TRUE(add.value().replace);

  Result<TrackerEdit> remove =
      parse_tracker_edit({{"urls", {"https://t.example/announce"}}}, true);
  ASSERT_TRUE(remove);
  EXPECT_EQ(remove.value().remove,
            std::vector<std::string>{"https://t.example/announce"});

  EXPECT_EQ(pointers(parse_tracker_edit(json::object(), false)),
            std::set<std::string>{"/add"});
  EXPECT_EQ(pointers(parse_tracker_edit({{"add", {"mailto:x"}}}, false)),
            std::set<std::string>{"/add/0"});
  EXPECT_EQ(pointers(parse_tracker_edit({{"add", json::array()}, {"urls", 1}},
                                        false)),
            std::set<std::string>{"/urls"});
  EXPECT_EQ(pointers(parse_tracker_edit({{"urls", json::array()}}, true)),
            std::set<std::string>{"/urls"});
  EXPECT_EQ(pointers(parse_tracker_edit({{"add", json::array()}}, true)),
            (std::set<std::string>{"/add", "/urls"}));
}

TEST(WebSeedRequest, AddAndRemove) {
  Result<WebSeedEdit> edit = parse_web_seed_edit(
      {{"add", {"https://m.example/f/"}}, {"remove", {"http://old/"}}});
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit.value().add, std::vector<std::string>{"https://m.example/f/"});
  EXPECT_EQ(edit.value().remove, std::vector<std::string>{"http://old/"});

  EXPECT_EQ(pointers(parse_web_seed_edit(json::object())),
            std::set<std::string>{"/add"});
  EXPECT_EQ(pointers(parse_web_seed_edit({{"add", {"udp://x:1"}}})),
            std::set<std::string>{"/add/0"});
  EXPECT_EQ(pointers(parse_web_seed_edit({{"remove", "x"}, {"other", 1}})),
            (std::set<std::string>{"/remove", "/other"}));
}

ConfigSnapshot snapshot_with(const std::string& root,
                             const std::vector<std::string>& allow) {
  ConfigSnapshot snapshot;
  snapshot.engine_profile = {{"download_root", root}};
  snapshot.fs_policy = {{"allow_paths", allow}};
  return snapshot;
}

TEST(MoveTarget, AllowsRootsAndBelow) {
  ConfigSnapshot snapshot = snapshot_with("/data/downloads", {"/mnt/media/"});
  for (const char* dir : {"/data/downloads", "/data/downloads/tv",
                          "/data/downloads/tv/", "/mnt/media",
                          "/mnt/media/films"}) {
    EXPECT_FALSE(move_target_error(dir, snapshot)) << dir;
  }
}

TEST(MoveTarget, RejectsOutsideOrUnnormalised) {
  ConfigSnapshot snapshot = snapshot_with("/data/downloads", {"/mnt/media"});
  struct Case {
    const char* dir;
    const char* reason;
  };
  for (const Case& item :
       {Case{"", "absolute"}, Case{"relative/dir", "absolute"},
        Case{"/data/downloads/../etc", "normalised"},
        Case{"/data/downloads/./tv", "normalised"},
        Case{"/data//downloads", "normalised"},
        Case{"/data/downloads2", "inside"}, Case{"/data", "inside"},
        Case{"/mnt/mediaX", "inside"}, Case{"/etc", "inside"},
        Case{"/data/downloads/a\nb", "control"}}) {
    std::optional<std::string> error = move_target_error(item.dir, snapshot);
    ASSERT_TRUE(error) << item.dir;
    EXPECT_NE(error->find(item.reason), std::string::npos)
        << item.dir << ": " << *error;
  }
}

}  // namespace
}  // namespace revaer
