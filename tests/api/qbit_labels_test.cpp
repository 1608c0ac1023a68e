#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/qbit/qbit_add_request.hpp"
#include "api/qbit/qbit_categories.hpp"
#include "api/qbit/qbit_label_names.hpp"
#include "api/qbit/qbit_save_path.hpp"
#include "api/qbit/qbit_share_limits.hpp"
#include "api/torrent_request.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

TEST(QbitCategoryName, AcceptsSpacesSlashesAndNonAscii) {
  for (const std::string name :
       {"tv", "TV Shows", "tv/hd", "a/b/c", "Ünïcode ✓", "100%", "a%20b", "x.y", "..a", "a.."}) {
    EXPECT_EQ(qbit_category_name_error(name), std::nullopt) << name;
  }
}

TEST(QbitCategoryName, RejectsUnsafeNames) {
  for (const std::string& name : std::vector<std::string>{
           "", "/tv", "tv/", "a//b", "..", "a/../b", "./a", "a/.", "back\\slash", "line\nbreak",
           "tab\tname", "del\x7f", "\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", std::string(1025, 'a')}) {
    EXPECT_NE(qbit_category_name_error(name), std::nullopt) << name;
  }
}

TEST(QbitTagName, RejectsCommasControlsAndPadding) {
  EXPECT_EQ(qbit_tag_error("two words"), std::nullopt);
  EXPECT_EQ(qbit_tag_error("ß/δ%41"), std::nullopt);
  EXPECT_NE(qbit_tag_error(""), std::nullopt);
  EXPECT_NE(qbit_tag_error("a,b"), std::nullopt);
  EXPECT_NE(qbit_tag_error(" padded"), std::nullopt);
  EXPECT_NE(qbit_tag_error("bell\a"), std::nullopt);
  EXPECT_NE(qbit_tag_error("\x80"), std::nullopt);
}

TEST(QbitTagList, TrimsDropsEmptyAndRepeats) {
  Result<std::vector<std::string>> tags = parse_qbit_tags(" a , b,,a, c d ,δ");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value(), (std::vector<std::string>{"a", "b", "c d", "δ"}));
}

TEST(QbitTagList, InvalidTagIs400) {
  Result<std::vector<std::string>> tags = parse_qbit_tags("good,bad\x01tag");
  ASSERT_FALSE(tags.ok());
  EXPECT_EQ(tags.problem().status, 400);
}

TEST(Utf8Check, MatchesTheStandard) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));                      // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xc3"));                                 // truncated
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));                         // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));                         // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));                     // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xc3\x28"));                             // bad continuation
}

class QbitRegistry : public ::testing::Test {
 protected:
  void SetUp() override { store_ = SqliteStore::open((dir_ / "revaer.db").string()); }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(QbitRegistry, CategoriesRoundTripExactly) {
  const std::map<std::string, std::string> expected = {
      {"TV Shows", "/data/tv"}, {"films/4k", ""}, {"Ünïcode ✓ 100%", "/data/ü"}, {"a%20b", ""}};
  for (const auto& [name, path] : expected) {
    ASSERT_TRUE(create_qbit_category(*store_, name, path).ok()) << name;
  }
  EXPECT_EQ(load_qbit_categories(*store_), expected);

  // A second handle on the same database file reads the same registry.
  std::unique_ptr<SqliteStore> reopened = SqliteStore::open((dir_ / "revaer.db").string());
  EXPECT_EQ(load_qbit_categories(*reopened), expected);
}

TEST_F(QbitRegistry, CreateRejectsEmptyInvalidAndExisting) {
  EXPECT_EQ(create_qbit_category(*store_, "", "").problem().status, 400);
  EXPECT_EQ(create_qbit_category(*store_, "a/../b", "").problem().status, 409);
  ASSERT_TRUE(create_qbit_category(*store_, "tv", "/data/tv").ok());
  EXPECT_EQ(create_qbit_category(*store_, "tv", "/other").problem().status, 409);
  EXPECT_EQ(load_qbit_categories(*store_).at("tv"), "/data/tv");
}

TEST_F(QbitRegistry, EditChangesOnlyExisting) {
  EXPECT_EQ(edit_qbit_category(*store_, "tv", "/data/tv").problem().status, 409);
  ASSERT_TRUE(create_qbit_category(*store_, "tv", "").ok());
  ASSERT_TRUE(edit_qbit_category(*store_, "tv", "/data/tv").ok());
  EXPECT_EQ(load_qbit_categories(*store_).at("tv"), "/data/tv");
}

TEST_F(QbitRegistry, EnsureKeepsSavePath) {
  ASSERT_TRUE(create_qbit_category(*store_, "tv", "/data/tv").ok());
  ASSERT_TRUE(ensure_qbit_category(*store_, "tv").ok());
  ASSERT_TRUE(ensure_qbit_category(*store_, "new one").ok());
  EXPECT_EQ(load_qbit_categories(*store_),
            (std::map<std::string, std::string>{{"tv", "/data/tv"}, {"new one", ""}}));
  EXPECT_EQ(ensure_qbit_category(*store_, "bad//name").problem().status, 409);
}

TEST_F(QbitRegistry, RemoveReturnsRemovedNames) {
  ASSERT_TRUE(create_qbit_category(*store_, "a", "").ok());
  ASSERT_TRUE(create_qbit_category(*store_, "b", "").ok());
  Result<std::vector<std::string>> removed = remove_qbit_categories(*store_, {"b", "missing"});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed.value(), std::vector<std::string>{"b"});
  EXPECT_EQ(load_qbit_categories(*store_), (std::map<std::string, std::string>{{"a", ""}}));
}

TEST_F(QbitRegistry, CategoriesInUseAddTorrentCategories) {
  ASSERT_TRUE(create_qbit_category(*store_, "tv", "/data/tv").ok());
  TorrentStatus labelled;
  labelled.category = "from v1";
  TorrentStatus plain;
  EXPECT_EQ(qbit_categories_in_use(*store_, {labelled, plain}),
            (std::map<std::string, std::string>{{"tv", "/data/tv"}, {"from v1", ""}}));
}

TEST_F(QbitRegistry, TagsPersistSortedAndUnique) {
  ASSERT_TRUE(add_qbit_tags(*store_, {"b", "a", "δ"}).ok());
  ASSERT_TRUE(add_qbit_tags(*store_, {"a", "c d"}).ok());
  EXPECT_EQ(load_qbit_tags(*store_), (std::vector<std::string>{"a", "b", "c d", "δ"}));
  ASSERT_TRUE(remove_qbit_tags(*store_, {"b", "missing"}).ok());
  EXPECT_EQ(load_qbit_tags(*store_), (std::vector<std::string>{"a", "c d", "δ"}));

  TorrentStatus torrent;
  torrent.tags = {"z", "a"};
  EXPECT_EQ(qbit_tags_in_use(*store_, {torrent}),
            (std::vector<std::string>{"a", "c d", "z", "δ"}));
}

TEST_F(QbitRegistry, TagRegistryIsBounded) {
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= kQbitMaxTags; ++i) many.push_back("t" + std::to_string(i));
  EXPECT_EQ(add_qbit_tags(*store_, many).problem().status, 409);
  EXPECT_TRUE(load_qbit_tags(*store_).empty());
}

TEST(QbitSavePath, ResolvesRelativeAndTrims) {
  ConfigSnapshot snapshot;
  snapshot.engine_profile = {{"download_root", "/data/downloads"}};
  EXPECT_EQ(resolve_qbit_save_path(" /data/tv/ ", snapshot), "/data/tv");
  EXPECT_EQ(resolve_qbit_save_path("tv/hd", snapshot), "/data/downloads/tv/hd");
  EXPECT_EQ(resolve_qbit_save_path("/data/downloads/../x", snapshot), "/data/x");
  EXPECT_EQ(resolve_qbit_save_path("   ", snapshot), "");
  EXPECT_EQ(resolve_qbit_save_path("/", snapshot), "/");
}

TEST(QbitShareLimits, EncodeGlobalNoneAndValues) {
  TorrentSettingsChange global;
  add_qbit_ratio_limit(-2, global);
  add_qbit_seeding_time_limit(-2, global);
  EXPECT_TRUE(global.clear_seed_ratio_limit);
  EXPECT_TRUE(global.clear_seed_time_limit);

  TorrentSettingsChange none;
  add_qbit_ratio_limit(-1, none);
  add_qbit_seeding_time_limit(-1, none);
  EXPECT_EQ(none.seed_ratio_limit, kMaxSeedRatioLimit);
  EXPECT_EQ(none.seed_time_limit_secs, kMaxSeedTimeLimit);

  TorrentSettingsChange value;
  add_qbit_ratio_limit(1.5, value);
  add_qbit_seeding_time_limit(90, value);
  EXPECT_EQ(value.seed_ratio_limit, 1.5);
  EXPECT_EQ(value.seed_time_limit_secs, 90 * 60);

  TorrentSettings settings;
  EXPECT_EQ(qbit_ratio_limit(settings), -2);
  EXPECT_EQ(qbit_seeding_time_limit(settings), -2);
  settings.seed_ratio_limit = kMaxSeedRatioLimit;
  settings.seed_time_limit_secs = kMaxSeedTimeLimit;
  EXPECT_EQ(qbit_ratio_limit(settings), -1);
  EXPECT_EQ(qbit_seeding_time_limit(settings), -1);
  settings.seed_ratio_limit = 2.0;
  settings.seed_time_limit_secs = 3600;
  EXPECT_EQ(qbit_ratio_limit(settings), 2.0);
  EXPECT_EQ(qbit_seeding_time_limit(settings), 60);
}

TEST(QbitAddOptions, MapsParametersToV1Members) {
  ConfigSnapshot snapshot;
  snapshot.engine_profile = {{"download_root", "/data/downloads"}};
  QbitParams params;
  params.add("category", "TV Shows");
  params.add("tags", "a, b ,a");
  params.add("stopped", "true");
  params.add("sequentialDownload", "true");
  params.add("rename", " Name ");
  params.add("upLimit", "1000");
  params.add("dlLimit", "-1");
  params.add("ratioLimit", "1.5");
  params.add("seedingTimeLimit", "60");
  params.add("contentLayout", "Original");
  const std::map<std::string, std::string> categories = {{"TV Shows", "/data/downloads/tv"}};

  Result<QbitAddOptions> options = parse_qbit_add_options(params, snapshot, categories);
  ASSERT_TRUE(options.ok()) << options.problem().detail;
  const nlohmann::json& members = options.value().options;
  EXPECT_EQ(members.at("category"), "TV Shows");
  EXPECT_EQ(members.at("download_dir"), "/data/downloads/tv");
  EXPECT_EQ(members.at("tags"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(members.at("start_paused"), true);
  EXPECT_EQ(members.at("sequential"), true);
  EXPECT_EQ(members.at("name"), "Name");
  EXPECT_EQ(members.at("max_upload_bps"), 1000);
  EXPECT_FALSE(members.contains("max_download_bps"));
  EXPECT_EQ(members.at("seed_ratio_limit"), 1.5);
  EXPECT_EQ(members.at("seed_time_limit"), 3600);
  EXPECT_EQ(options.value().category, "TV Shows");
  // The members pass the /v1 add validation.
  EXPECT_TRUE(parse_upload_add_request(members, "", "request").problem().invalid_params.front()
                  .pointer.rfind("/torrent", 0) == 0);
}

TEST(QbitAddOptions, SavepathWinsOverCategory) {
  ConfigSnapshot snapshot;
  snapshot.engine_profile = {{"download_root", "/data/downloads"}};
  QbitParams params;
  params.add("category", "tv");
  params.add("savepath", "/data/downloads/explicit/");
  Result<QbitAddOptions> options =
      parse_qbit_add_options(params, snapshot, {{"tv", "/data/downloads/tv"}});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options.value().options.at("download_dir"), "/data/downloads/explicit");
}

TEST(QbitAddOptions, CategoryOutsideRootMovesAfterAdd) {
  ConfigSnapshot snapshot;
  snapshot.engine_profile = {{"download_root", "/data/downloads/"}};
  snapshot.fs_policy = {{"allow_paths", {"/media", "/data/downloads-other"}}};
  QbitParams params;
  params.add("category", "tv");
  Result<QbitAddOptions> options =
      parse_qbit_add_options(params, snapshot, {{"tv", "/media/tv"}});
  ASSERT_TRUE(options.ok());
  EXPECT_FALSE(options.value().options.contains("download_dir"));
  EXPECT_EQ(options.value().move_to, "/media/tv");

  Result<QbitAddOptions> inside =
      parse_qbit_add_options(params, snapshot, {{"tv", "/data/downloads/tv"}});
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside.value().options.at("download_dir"), "/data/downloads/tv");
  EXPECT_FALSE(inside.value().move_to.has_value());

  Result<QbitAddOptions> sibling =
      parse_qbit_add_options(params, snapshot, {{"tv", "/data/downloads-other"}});
  ASSERT_TRUE(sibling.ok());
  EXPECT_EQ(sibling.value().move_to, "/data/downloads-other");

  // A save path no longer allowed is ignored: the torrent stays in download_root.
  Result<QbitAddOptions> denied = parse_qbit_add_options(params, snapshot, {{"tv", "/srv/tv"}});
  ASSERT_TRUE(denied.ok());
  EXPECT_FALSE(denied.value().options.contains("download_dir"));
  EXPECT_FALSE(denied.value().move_to.has_value());
}

TEST(QbitAddOptions, InvalidCategoryIs400) {
  ConfigSnapshot snapshot;
  QbitParams params;
  params.add("category", "a//b");
  Result<QbitAddOptions> options = parse_qbit_add_options(params, snapshot, {});
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.problem().status, 400);
}

TEST(QbitUrls, MagnetsAndBareHashes) {
  const std::string v1(40, 'a');
  const std::string v2(64, 'b');
  EXPECT_EQ(qbit_url_to_magnet(" magnet:?xt=urn:btih:" + v1 + " "), "magnet:?xt=urn:btih:" + v1);
  EXPECT_EQ(qbit_url_to_magnet("MAGNET:?xt=urn:btih:" + v1), "MAGNET:?xt=urn:btih:" + v1);
  EXPECT_EQ(qbit_url_to_magnet(v1), "magnet:?xt=urn:btih:" + v1);
  EXPECT_EQ(qbit_url_to_magnet(std::string(32, 'Q')), "magnet:?xt=urn:btih:" + std::string(32, 'Q'));
  EXPECT_EQ(qbit_url_to_magnet(v2), "magnet:?xt=urn:btmh:1220" + v2);
  EXPECT_EQ(qbit_url_to_magnet("http://127.0.0.1/x.torrent"), std::nullopt);
  EXPECT_EQ(qbit_url_to_magnet("https://example.invalid/x.torrent"), std::nullopt);
  EXPECT_EQ(qbit_url_to_magnet(std::string(40, 'g')), std::nullopt);
}

}  // namespace
}  // namespace revaer::test
