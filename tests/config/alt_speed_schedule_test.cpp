// The alternative speed schedule: the window decision as a pure function
// of (schedule, local time), and the scheduler driven by a fake clock
// against a real ConfigService.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <thread>

#include <gtest/gtest.h>

#include "config/alt_speed_schedule.hpp"
#include "config/alt_speed_scheduler.hpp"
#include "tests/config/config_fixture.hpp"

namespace revaer {
namespace {

using Json = nlohmann::json;

constexpr int kMon = 0;
constexpr int kFri = 4;
constexpr int kSat = 5;
constexpr int kSun = 6;

LocalClock at(int weekday, int hour, int minute) { return {weekday, hour * 60 + minute}; }

AltSpeedSchedule schedule_of(const Json& schedule) {
  const auto parsed = alt_speed_schedule_from(
      {{"enabled", false}, {"download_bps", 0}, {"upload_bps", 0}, {"schedule", schedule}});
  EXPECT_TRUE(parsed.has_value()) << schedule.dump();
  return parsed.value_or(AltSpeedSchedule{});
}

TEST(AltSpeedSchedule, ClockTimesParse) {
  EXPECT_EQ(parse_clock_time("00:00"), 0);
  EXPECT_EQ(parse_clock_time("23:59"), 23 * 60 + 59);
  EXPECT_EQ(parse_clock_time("08:05"), 8 * 60 + 5);
  EXPECT_FALSE(parse_clock_time("24:00"));
  EXPECT_FALSE(parse_clock_time("12:60"));
  EXPECT_FALSE(parse_clock_time("8:05"));
  EXPECT_FALSE(parse_clock_time("08-05"));
  EXPECT_FALSE(parse_clock_time("08:05 "));
}

TEST(AltSpeedSchedule, DaysParse) {
  const auto weekends = parse_schedule_days("weekends");
  ASSERT_TRUE(weekends);
  EXPECT_EQ(*weekends, (std::array<bool, 7>{false, false, false, false, false, true, true}));
  const auto list = parse_schedule_days(Json{"tue", "sun"});
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::array<bool, 7>{false, true, false, false, false, false, true}));
  EXPECT_FALSE(parse_schedule_days(Json{"tue", "tue"}));
  EXPECT_FALSE(parse_schedule_days(Json::array()));
  EXPECT_FALSE(parse_schedule_days(Json{"Tuesday"}));
  EXPECT_FALSE(parse_schedule_days(3));
}

TEST(AltSpeedSchedule, DisabledOrAbsentHasNone) {
  EXPECT_FALSE(alt_speed_schedule_from(Json()));
  EXPECT_FALSE(alt_speed_schedule_from({{"enabled", true}}));
  EXPECT_FALSE(alt_speed_schedule_from(
      {{"schedule", {{"enabled", false}, {"from", "01:00"}, {"to", "02:00"}, {"days", "every"}}}}));
}

TEST(AltSpeedSchedule, DaytimeWindowBounds) {
  const AltSpeedSchedule day =
      schedule_of({{"enabled", true}, {"from", "08:00"}, {"to", "20:00"}, {"days", "every"}});
  EXPECT_FALSE(alt_speed_scheduled(day, at(kMon, 7, 59)));
  EXPECT_TRUE(alt_speed_scheduled(day, at(kMon, 8, 0)));
  EXPECT_TRUE(alt_speed_scheduled(day, at(kMon, 19, 59)));
  EXPECT_FALSE(alt_speed_scheduled(day, at(kMon, 20, 0)));
  EXPECT_FALSE(alt_speed_scheduled(day, at(kSun, 0, 0)));
}

TEST(AltSpeedSchedule, WindowCrossesMidnight) {
  const AltSpeedSchedule night =
      schedule_of({{"enabled", true}, {"from", "22:00"}, {"to", "06:00"}, {"days", "every"}});
  EXPECT_FALSE(alt_speed_scheduled(night, at(kMon, 21, 59)));
  EXPECT_TRUE(alt_speed_scheduled(night, at(kMon, 22, 0)));
  EXPECT_TRUE(alt_speed_scheduled(night, at(kMon, 23, 59)));
  EXPECT_TRUE(alt_speed_scheduled(night, at(kMon + 1, 0, 0)));
  EXPECT_TRUE(alt_speed_scheduled(night, at(kMon + 1, 5, 59)));
  EXPECT_FALSE(alt_speed_scheduled(night, at(kMon + 1, 6, 0)));
  EXPECT_FALSE(alt_speed_scheduled(night, at(kMon + 1, 12, 0)));
}

TEST(AltSpeedSchedule, NightWindowBelongsToOpeningDay) {
  const AltSpeedSchedule weekday_nights =
      schedule_of({{"enabled", true}, {"from", "22:00"}, {"to", "06:00"}, {"days", "weekdays"}});
  // Friday night runs into Saturday morning.
  EXPECT_TRUE(alt_speed_scheduled(weekday_nights, at(kFri, 23, 0)));
  EXPECT_TRUE(alt_speed_scheduled(weekday_nights, at(kSat, 5, 0)));
  // No window opens on Saturday or Sunday evening.
  EXPECT_FALSE(alt_speed_scheduled(weekday_nights, at(kSat, 23, 0)));
  EXPECT_FALSE(alt_speed_scheduled(weekday_nights, at(kSun, 5, 0)));
  EXPECT_FALSE(alt_speed_scheduled(weekday_nights, at(kSun, 23, 0)));
  // Monday morning belongs to Sunday's window, Monday night to Monday's.
  EXPECT_FALSE(alt_speed_scheduled(weekday_nights, at(kMon, 5, 0)));
  EXPECT_TRUE(alt_speed_scheduled(weekday_nights, at(kMon, 22, 30)));
}

TEST(AltSpeedSchedule, SundayWindowRunsIntoMonday) {
  const AltSpeedSchedule sunday =
      schedule_of({{"enabled", true}, {"from", "23:00"}, {"to", "01:00"}, {"days", {"sun"}}});
  EXPECT_TRUE(alt_speed_scheduled(sunday, at(kSun, 23, 30)));
  EXPECT_TRUE(alt_speed_scheduled(sunday, at(kMon, 0, 30)));
  EXPECT_FALSE(alt_speed_scheduled(sunday, at(kSat, 23, 30)));
  EXPECT_FALSE(alt_speed_scheduled(sunday, at(kSun, 0, 30)));
}

TEST(AltSpeedSchedule, EqualTimesMeanWholeDay) {
  const AltSpeedSchedule whole =
      schedule_of({{"enabled", true}, {"from", "09:00"}, {"to", "09:00"}, {"days", {"wed"}}});
  EXPECT_TRUE(alt_speed_scheduled(whole, at(2, 9, 0)));
  EXPECT_TRUE(alt_speed_scheduled(whole, at(3, 8, 59)));
  EXPECT_FALSE(alt_speed_scheduled(whole, at(3, 9, 0)));
  EXPECT_FALSE(alt_speed_scheduled(whole, at(2, 8, 59)));
}

TEST(AltSpeedSchedule, LocalClockCountsFromMonday) {
  // Sets the process's time zone to UTC for this test, then restores it.
  const char* previous = std::getenv("TZ");
  const std::string saved = previous != nullptr ? previous : "";
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  // 2024-01-01 12:34:00 UTC was a Monday, 2024-01-07 23:59:00 a Sunday.
  const LocalClock monday = local_clock_of(std::chrono::system_clock::from_time_t(1704112440));
  const LocalClock sunday = local_clock_of(std::chrono::system_clock::from_time_t(1704671940));
  if (previous != nullptr) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();

  EXPECT_EQ(monday.weekday, kMon);
  EXPECT_EQ(monday.minute, 12 * 60 + 34);
  EXPECT_EQ(sunday.weekday, kSun);
  EXPECT_EQ(sunday.minute, 23 * 60 + 59);
}

class AltSpeedSchedulerTest : public test::ConfigTest {
 protected:
  void set_schedule(const Json& schedule, bool enabled = false) {
    ASSERT_TRUE(config_
                    .apply_changeset({{"engine_profile",
                                       {{"alt_speed",
                                         {{"enabled", enabled},
                                          {"download_bps", 1000},
                                          {"upload_bps", 2000},
                                          {"schedule", schedule}}}}}},
                                     "tester")
                    .ok());
  }
  void toggle(bool enabled) {
    Json alt = config_.snapshot()->engine_profile.at("alt_speed");
    alt["enabled"] = enabled;
    ASSERT_TRUE(config_.apply_changeset({{"engine_profile", {{"alt_speed", alt}}}}, "tester").ok());
  }
  bool alt_enabled() const {
    return config_.snapshot()->engine_profile.at("alt_speed").value("enabled", false);
  }

  LocalClock now_{kMon, 0};
  AltSpeedScheduler scheduler_{config_, [this] { return now_; }};
};

const Json kNights = {{"enabled", true}, {"from", "22:00"}, {"to", "06:00"}, {"days", "every"}};

TEST_F(AltSpeedSchedulerTest, BoundariesToggleAltSpeed) {
  set_schedule(kNights);
  now_ = at(kMon, 21, 0);
  scheduler_.check();
  EXPECT_FALSE(alt_enabled());

  now_ = at(kMon, 22, 0);
  scheduler_.check();
  EXPECT_TRUE(alt_enabled());
  const Json alt = config_.snapshot()->engine_profile.at("alt_speed");
  EXPECT_EQ(alt.at("download_bps"), 1000);
  EXPECT_EQ(alt.at("schedule"), kNights);

  now_ = at(kMon + 1, 6, 0);
  scheduler_.check();
  EXPECT_FALSE(alt_enabled());
}

TEST_F(AltSpeedSchedulerTest, ScheduleChangeAppliesAtOnce) {
  now_ = at(kSat, 12, 0);
  set_schedule(kNights, true);
  scheduler_.check();
  EXPECT_FALSE(alt_enabled());

  set_schedule({{"enabled", true}, {"from", "10:00"}, {"to", "14:00"}, {"days", "weekends"}});
  scheduler_.check();
  EXPECT_TRUE(alt_enabled());
}

TEST_F(AltSpeedSchedulerTest, ManualToggleLastsUntilBoundary) {
  set_schedule(kNights);
  now_ = at(kMon, 23, 0);
  scheduler_.check();
  ASSERT_TRUE(alt_enabled());

  toggle(false);
  const std::int64_t after_toggle = revision();
  now_ = at(kMon + 1, 2, 0);
  scheduler_.check();
  EXPECT_FALSE(alt_enabled());
  EXPECT_EQ(revision(), after_toggle);

  now_ = at(kMon + 1, 6, 0);
  scheduler_.check();
  toggle(true);
  now_ = at(kMon + 1, 21, 59);
  scheduler_.check();
  EXPECT_TRUE(alt_enabled());

  now_ = at(kMon + 1, 22, 0);
  scheduler_.check();
  EXPECT_TRUE(alt_enabled());
  now_ = at(kMon + 2, 6, 0);
  scheduler_.check();
  EXPECT_FALSE(alt_enabled());
}

TEST_F(AltSpeedSchedulerTest, DisabledScheduleLeavesToggle) {
  set_schedule({{"enabled", false}, {"from", "00:00"}, {"to", "00:00"}, {"days", "every"}}, true);
  const std::int64_t before = revision();
  scheduler_.check();
  EXPECT_TRUE(alt_enabled());
  EXPECT_EQ(revision(), before);
}

TEST_F(AltSpeedSchedulerTest, ThreadReadsInjectedClock) {
  std::atomic<int> reads{0};
  AltSpeedScheduler threaded(
      config_,
      [&reads] {
        ++reads;
        return at(kMon, 23, 0);
      },
      std::chrono::milliseconds(10));
  set_schedule(kNights);
  threaded.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!alt_enabled() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  threaded.stop();
  EXPECT_TRUE(alt_enabled());
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace revaer
