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

const json kAltSpeed = {{"enabled", false}, {"download_bps", 100}, {"upload_bps", 200}};

TEST(QbitPreferences, SchedulerAndLanPeersRead) {
  json alt = kAltSpeed;
  alt["schedule"] = {{"enabled", true}, {"from", "22:15"}, {"to", "06:05"}, {"days", {"sat"}}};
  json prefs =
      qbit_preferences(snapshot_with({{"alt_speed", alt}, {"rate_limit_local_peers", false}}));
  EXPECT_EQ(prefs.at("limit_lan_peers"), false);
  EXPECT_EQ(prefs.at("scheduler_enabled"), true);
  EXPECT_EQ(prefs.at("schedule_from_hour"), 22);
  EXPECT_EQ(prefs.at("schedule_from_min"), 15);
  EXPECT_EQ(prefs.at("schedule_to_hour"), 6);
  EXPECT_EQ(prefs.at("schedule_to_min"), 5);
  EXPECT_EQ(prefs.at("scheduler_days"), 8);

  alt["schedule"]["days"] = "weekdays";
  EXPECT_EQ(qbit_preferences(snapshot_with({{"alt_speed", alt}})).at("scheduler_days"), 1);
  alt["schedule"]["days"] = {"sat", "sun"};
  EXPECT_EQ(qbit_preferences(snapshot_with({{"alt_speed", alt}})).at("scheduler_days"), 2);
}

TEST(QbitPreferences, SchedulerDefaultsWithoutSchedule) {
  json prefs = qbit_preferences(snapshot_with(json::object()));
  EXPECT_EQ(prefs.at("limit_lan_peers"), true);
  EXPECT_EQ(prefs.at("scheduler_enabled"), false);
  EXPECT_EQ(prefs.at("schedule_from_hour"), 8);
  EXPECT_EQ(prefs.at("schedule_from_min"), 0);
  EXPECT_EQ(prefs.at("schedule_to_hour"), 20);
  EXPECT_EQ(prefs.at("schedule_to_min"), 0);
  EXPECT_EQ(prefs.at("scheduler_days"), 0);
}

TEST(QbitPreferences, SchedulerChangeset) {
  Result<json> changeset = qbit_preferences_changeset(
      {{"scheduler_enabled", true},
       {"schedule_from_hour", 1},
       {"schedule_from_min", 30},
       {"schedule_to_hour", 5},
       {"scheduler_days", 3},
       {"alt_dl_limit", 4096},
       {"limit_lan_peers", false}},
      snapshot_with({{"alt_speed", kAltSpeed}}));
  ASSERT_TRUE(changeset.ok()) << changeset.problem().detail;
  const json& engine = changeset.value().at("engine_profile");
  EXPECT_EQ(engine.at("rate_limit_local_peers"), false);
  const json& alt = engine.at("alt_speed");
  EXPECT_EQ(alt.at("download_bps"), 4096);
  EXPECT_EQ(alt.at("upload_bps"), 200);
  EXPECT_EQ(alt.at("enabled"), false);
  EXPECT_EQ(alt.at("schedule"),
            json({{"enabled", true}, {"from", "01:30"}, {"to", "05:00"}, {"days", {"mon"}}}));
}

TEST(QbitPreferences, SchedulerKeepsUnsentParts) {
  json alt = kAltSpeed;
  alt["schedule"] = {{"enabled", true}, {"from", "22:15"}, {"to", "06:05"}, {"days", "weekends"}};
  Result<json> changeset =
      qbit_preferences_changeset({{"schedule_to_min", 45}}, snapshot_with({{"alt_speed", alt}}));
  ASSERT_TRUE(changeset.ok());
  const json& schedule = changeset.value().at("engine_profile").at("alt_speed").at("schedule");
  EXPECT_EQ(schedule.at("from"), "22:15");
  EXPECT_EQ(schedule.at("to"), "06:45");
  EXPECT_EQ(schedule.at("days"), "weekends");
  EXPECT_EQ(schedule.at("enabled"), true);
}

TEST(QbitPreferences, SchedulerRejectsBadValues) {
  const ConfigSnapshot snapshot = snapshot_with(json::object());
  Result<json> hour = qbit_preferences_changeset({{"schedule_from_hour", 24}}, snapshot);
  ASSERT_FALSE(hour.ok());
  EXPECT_EQ(hour.problem().status, 400);
  EXPECT_EQ(hour.problem().detail,
            "The preference 'schedule_from_hour' must be an integer from 0 to 23.");
  Result<json> days = qbit_preferences_changeset({{"scheduler_days", 10}}, snapshot);
  ASSERT_FALSE(days.ok());
  EXPECT_EQ(days.problem().status, 400);
  Result<json> enabled = qbit_preferences_changeset({{"scheduler_enabled", 1}}, snapshot);
  ASSERT_FALSE(enabled.ok());
  EXPECT_EQ(enabled.problem().detail, "The preference 'scheduler_enabled' must be a boolean.");
  Result<json> lan = qbit_preferences_changeset({{"limit_lan_peers", "no"}}, snapshot);
  ASSERT_FALSE(lan.ok());
  EXPECT_EQ(lan.problem().status, 400);
}

}  // namespace
}  // namespace revaer::test
