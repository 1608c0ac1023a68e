// A real revaerd with an alternative speed schedule. A window that covers
// the whole day turns alternative speed on through the daemon's
// scheduler, and the native and qBittorrent APIs report it. An invalid
// schedule is rejected with the JSON pointer of each bad member.

#include <chrono>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/daemon.hpp"
#include "tests/support/qbit_http.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

constexpr auto kSchedulerTimeout = std::chrono::seconds(30);

json alt_speed_with(const json& schedule) {
  return {{"engine_profile",
           {{"alt_speed",
             {{"enabled", false},
              {"download_bps", 65536},
              {"upload_bps", 32768},
              {"schedule", schedule}}}}}};
}

json engine_profile(const RevaerDaemon& daemon) {
  const client::HttpResponse response = daemon.send("GET", "/v1/config");
  EXPECT_EQ(response.status, 200) << response.body;
  return json::parse(response.body).at("engine_profile");
}

class AltSpeedScheduleTest : public ::testing::Test {
 protected:
  TempDir dir_{"revaer-alt-speed-e2e"};
  RevaerDaemon daemon_{dir_ / "data", dir_ / "logs"};
};

TEST_F(AltSpeedScheduleTest, WholeDayWindowTurnsAltSpeedOn) {
  daemon_.complete_setup(loopback_changeset());
  const json schedule = {{"enabled", true}, {"from", "00:00"}, {"to", "00:00"}, {"days", "every"}};
  const client::HttpResponse patched =
      daemon_.send("PATCH", "/v1/config", alt_speed_with(schedule).dump());
  ASSERT_EQ(patched.status, 200) << patched.body;

  json profile;
  ASSERT_TRUE(wait_until(
      [&] {
        profile = engine_profile(daemon_);
        return profile.at("alt_speed").at("enabled") == true;
      },
      kSchedulerTimeout, std::chrono::milliseconds(100)))
      << profile.dump(2) << daemon_.log_tail();
  EXPECT_EQ(profile.at("alt_speed").at("schedule"), schedule);
  EXPECT_EQ(profile.at("alt_speed").at("download_bps"), 65536);

  QbitSession qbit(daemon_.api_url());
  qbit.use_bearer_key(daemon_.api_key());
  const client::HttpResponse mode = qbit.get("transfer/speedLimitsMode");
  EXPECT_EQ(mode.status, 200) << mode.body;
  EXPECT_EQ(mode.body, "1");
  EXPECT_EQ(qbit.get("transfer/downloadLimit").body, "65536");
  const json prefs = qbit.get_json("app/preferences");
  EXPECT_EQ(prefs.at("scheduler_enabled"), true);
  EXPECT_EQ(prefs.at("schedule_from_hour"), 0);
  EXPECT_EQ(prefs.at("schedule_to_hour"), 0);
  EXPECT_EQ(prefs.at("scheduler_days"), 0);
  EXPECT_EQ(prefs.at("limit_lan_peers"), true);
  EXPECT_NE(daemon_.log_tail().find("alt-speed scheduler: alternative speed turned on"),
            std::string::npos)
      << daemon_.log_tail();
}

TEST_F(AltSpeedScheduleTest, InvalidScheduleRejected) {
  daemon_.complete_setup(loopback_changeset());
  const json bad = {
      {"enabled", true}, {"from", "25:00"}, {"to", "06:00"}, {"days", {"mon", "funday"}}};
  const client::HttpResponse patched =
      daemon_.send("PATCH", "/v1/config", alt_speed_with(bad).dump());
  ASSERT_EQ(patched.status, 422) << patched.body;
  const json problem = json::parse(patched.body);
  std::set<std::string> pointers;
  for (const json& param : problem.at("invalid_params")) {
    pointers.insert(param.at("pointer").get<std::string>());
  }
  EXPECT_EQ(pointers, (std::set<std::string>{"/engine_profile/alt_speed/schedule/from",
                                             "/engine_profile/alt_speed/schedule/days"}));
  EXPECT_TRUE(engine_profile(daemon_).at("alt_speed").is_null());
}

}  // namespace
}  // namespace revaer::test
