#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace revaer {

// A day of the week and a minute of that day in local time.
struct LocalClock {
  int weekday = 0;  // 0 Monday .. 6 Sunday
  int minute = 0;   // 0 .. 1439
};

// The alternative speed schedule of engine_profile.alt_speed.schedule.
// The window opens at from_minute on each selected day and closes at
// to_minute, on the next day when to_minute is not after from_minute, so
// equal times make a window of 24 hours.
struct AltSpeedSchedule {
  int from_minute = 0;
  int to_minute = 0;
  std::array<bool, 7> days{};  // indexed like LocalClock::weekday

  bool operator==(const AltSpeedSchedule&) const = default;
};

// Parses "HH:MM" (24-hour, two digits each) into minutes after midnight.
std::optional<int> parse_clock_time(std::string_view text);

// Parses "every", "weekdays", "weekends" or an array of distinct day names
// ("mon" .. "sun") into the selected days.
std::optional<std::array<bool, 7>> parse_schedule_days(const nlohmann::json& days);

// The schedule of an alt_speed object, or nullopt when it has none, when
// the schedule is not enabled, or when a member is invalid.
std::optional<AltSpeedSchedule> alt_speed_schedule_from(const nlohmann::json& alt_speed);

// Whether alternative speed is on at `now` under `schedule`. A window that
// crosses midnight belongs to the day it opens on.
bool alt_speed_scheduled(const AltSpeedSchedule& schedule, LocalClock now);

// The local weekday and minute of `time`, in the process's time zone.
LocalClock local_clock_of(std::chrono::system_clock::time_point time);

}  // namespace revaer
