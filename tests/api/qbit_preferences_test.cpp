#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/qbit/qbit_preferences.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

ConfigSnapshot snapshot_with(json engine) {
  ConfigSnapshot snapshot;
  snapshot.engine_profile = std::move(engine);
  snapshot.app_profile = {{"auth_mode", "api_key"}};
  return snapshot;
}

TEST(QbitPreferences, MapsTheEngineProfile) {
  json prefs = qbit_preferences(snapshot_with({
      {"download_root", "/data"},
      {"seed_ratio_limit", 2.0},
      {"seed_time_limit", nullptr},
      {"max_active", -1},
      {"dht", true},
      {"enable_pex", false},
      {"listen_port", 51413},
      {"connections_limit", 300},
      {"max_download_bps", 1000},
      {"max_upload_bps", 0},
  }));

  EXPECT_EQ(prefs.at("save_path"), "/data");
  EXPECT_EQ(prefs.at("max_ratio_enabled"), true);
  EXPECT_EQ(prefs.at("max_ratio"), 2.0);
  EXPECT_EQ(prefs.at("max_seeding_time_enabled"), false);
  EXPECT_EQ(prefs.at("max_seeding_time"), -1);
  EXPECT_EQ(prefs.at("max_inactive_seeding_time_enabled"), false);
  EXPECT_EQ(prefs.at("max_inactive_seeding_time"), -1);
  EXPECT_EQ(prefs.at("max_ratio_act"), 0);
  EXPECT_EQ(prefs.at("queueing_enabled"), false);
  EXPECT_EQ(prefs.at("dht"), true);
  EXPECT_EQ(prefs.at("pex"), false);
  EXPECT_EQ(prefs.at("listen_port"), 51413);
  EXPECT_EQ(prefs.at("random_port"), false);
  EXPECT_EQ(prefs.at("max_connec"), 300);
  EXPECT_EQ(prefs.at("max_uploads"), -1);
  EXPECT_EQ(prefs.at("max_uploads_per_torrent"), -1);
  EXPECT_EQ(prefs.at("dl_limit"), 1000);
  EXPECT_EQ(prefs.at("up_limit"), 0);
  EXPECT_EQ(prefs.at("announce_ip"), "");
}

TEST(QbitPreferences, ChangesetFromPreferences) {
  ConfigSnapshot snapshot = snapshot_with({{"max_active", 8}});
  Result<json> changeset = qbit_preferences_changeset(
      {{"save_path", "/srv"},
       {"max_ratio_enabled", true},
       {"max_ratio", 1.5},
       {"max_seeding_time_enabled", true},
       {"max_seeding_time", 90},
       {"queueing_enabled", false},
       {"dl_limit", -1},
       {"up_limit", 2048},
       {"max_connec", -1},
       {"pex", true},
       {"unknown_key", "ignored"}},
      snapshot);

  ASSERT_TRUE(changeset) << changeset.problem().detail;
  const json& engine = changeset.value().at("engine_profile");
  EXPECT_EQ(engine.at("download_root"), "/srv");
  EXPECT_EQ(engine.at("seed_ratio_limit"), 1.5);
  EXPECT_EQ(engine.at("seed_time_limit"), 5400);
  EXPECT_EQ(engine.at("max_active"), -1);
  EXPECT_EQ(engine.at("max_download_bps"), 0);
  EXPECT_EQ(engine.at("max_upload_bps"), 2048);
  EXPECT_EQ(engine.at("connections_limit"), 65535);
  EXPECT_EQ(engine.at("enable_pex"), true);
  EXPECT_FALSE(engine.contains("unknown_key"));
}

TEST(QbitPreferences, DisablingLimitsClearsThem) {
  ConfigSnapshot snapshot =
      snapshot_with({{"seed_ratio_limit", 2.0}, {"seed_time_limit", 60}});
  Result<json> changeset = qbit_preferences_changeset(
      {{"max_ratio_enabled", false}, {"max_seeding_time_enabled", false}},
      snapshot);
  ASSERT_TRUE(changeset);
  EXPECT_TRUE(changeset.value().at("engine_profile").at("seed_ratio_limit").is_null());
  EXPECT_TRUE(changeset.value().at("engine_profile").at("seed_time_limit").is_null());
}

TEST(QbitPreferences, UnknownKeysOnlyGiveNoChange) {
  Result<json> changeset =
      qbit_preferences_changeset({{"locale", "de"}}, snapshot_with(json::object()));
  ASSERT_TRUE(changeset);
  EXPECT_TRUE(changeset.value().empty());
}

TEST(QbitPreferences, WrongTypesAre400) {
  Result<json> type = qbit_preferences_changeset({{"dht", "yes"}}, snapshot_with({}));
  ASSERT_FALSE(type);
  EXPECT_EQ(type.problem().status, 400);
  EXPECT_NE(type.problem().detail.find("dht"), std::string::npos);

  Result<json> array = qbit_preferences_changeset(json::array(), snapshot_with({}));
  ASSERT_FALSE(array);
  EXPECT_EQ(array.problem().status, 400);
}

}  // namespace
}  // namespace revaer::test
