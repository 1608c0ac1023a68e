#include "api/qbit/qbit_scheduler_prefs.hpp"

#include <array>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "config/alt_speed_schedule.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// qBittorrent's scheduler_days: 0 every day, 1 weekdays, 2 weekends, then
// 3 Monday to 9 Sunday.
constexpr int kFirstSingleDay = 3;
constexpr int kLastDayCode = 9;
constexpr const char* kDayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

const json kDefaultSchedule = {
    {"enabled", false}, {"from", "08:00"}, {"to", "20:00"}, {"days", "every"}};

json schedule_days_value(int code) {
  if (code == 0) return "every";
  if (code == 1) return "weekdays";
  if (code == 2) return "weekends";
  return json::array({kDayNames[code - kFirstSingleDay]});
}

// The qBittorrent code of a valid days value. A set of several days that
// is not weekdays, weekends or all has no code, so it reads as 0.
int schedule_days_code(const json& days) {
  const std::optional<std::array<bool, 7>> selected = parse_schedule_days(days);
  if (!selected) return 0;
  for (int code = 0; code <= kLastDayCode; ++code) {
    if (parse_schedule_days(schedule_days_value(code)) == selected) return code;
  }
  return 0;
}

std::optional<int> clock_minutes(const json& schedule, const char* member) {
  const json value = schedule.value(member, json());
  if (!value.is_string()) return std::nullopt;
  return parse_clock_time(value.get<std::string>());
}

// Reads preferences[key] as an integer from 0 to `max`. Returns the value,
// nullopt when absent, and sets `error` when it is invalid.
std::optional<int> read_bounded(const json& preferences, const char* key, int max,
                                std::string& error) {
  auto found = preferences.find(key);
  if (found == preferences.end()) return std::nullopt;
  if (!found->is_number_integer() || found->get<std::int64_t>() < 0 ||
      found->get<std::int64_t>() > max) {
    if (error.empty()) {
      error = fmt::format("The preference '{}' must be an integer from 0 to {}.", key, max);
    }
    return std::nullopt;
  }
  return found->get<int>();
}

// Replaces the hour or the minute of an "HH:MM" member.
void set_clock_part(json& schedule, const char* member, std::optional<int> hour,
                    std::optional<int> minute) {
  if (!hour && !minute) return;
  const int current = clock_minutes(schedule, member).value_or(0);
  schedule[member] =
      fmt::format("{:02}:{:02}", hour.value_or(current / 60), minute.value_or(current % 60));
}

}  // namespace

void add_scheduler_preferences(const json& engine, json& prefs) {
  const json alt = engine.value("alt_speed", json());
  json schedule = alt.is_object() ? alt.value("schedule", json()) : json();
  if (!schedule.is_object()) schedule = kDefaultSchedule;
  const int from = clock_minutes(schedule, "from").value_or(0);
  const int to = clock_minutes(schedule, "to").value_or(0);
  prefs["scheduler_enabled"] = schedule.value("enabled", false);
  prefs["schedule_from_hour"] = from / 60;
  prefs["schedule_from_min"] = from % 60;
  prefs["schedule_to_hour"] = to / 60;
  prefs["schedule_to_min"] = to % 60;
  prefs["scheduler_days"] = schedule_days_code(schedule.value("days", json()));
}

std::string map_scheduler_preferences(const json& preferences, const json& engine, json& out) {
  std::string error;
  std::optional<bool> enabled;
  if (auto found = preferences.find("scheduler_enabled"); found != preferences.end()) {
    if (found->is_boolean()) {
      enabled = found->get<bool>();
    } else {
      error = "The preference 'scheduler_enabled' must be a boolean.";
    }
  }
  const auto from_hour = read_bounded(preferences, "schedule_from_hour", 23, error);
  const auto from_minute = read_bounded(preferences, "schedule_from_min", 59, error);
  const auto to_hour = read_bounded(preferences, "schedule_to_hour", 23, error);
  const auto to_minute = read_bounded(preferences, "schedule_to_min", 59, error);
  const auto days = read_bounded(preferences, "scheduler_days", kLastDayCode, error);
  if (!error.empty()) return error;
  if (!enabled && !from_hour && !from_minute && !to_hour && !to_minute && !days) return "";

  json alt = out.contains("alt_speed") ? out["alt_speed"] : engine.value("alt_speed", json());
  if (!alt.is_object()) {
    alt = {{"enabled", false}, {"download_bps", 0}, {"upload_bps", 0}};
  }
  json schedule = alt.value("schedule", json());
  if (!schedule.is_object()) schedule = kDefaultSchedule;
  if (enabled) schedule["enabled"] = *enabled;
  set_clock_part(schedule, "from", from_hour, from_minute);
  set_clock_part(schedule, "to", to_hour, to_minute);
  if (days) schedule["days"] = schedule_days_value(*days);
  alt["schedule"] = schedule;
  out["alt_speed"] = alt;
  return "";
}

}  // namespace revaer
