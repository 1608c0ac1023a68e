#include "config/alt_speed_schedule.hpp"

#include <algorithm>
#include <ctime>
#include <string>

namespace revaer {
namespace {

constexpr std::string_view kDayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int two_digits(std::string_view text) {
  if (text.size() != 2 || text[0] < '0' || text[0] > '9' || text[1] < '0' || text[1] > '9') {
    return -1;
  }
  return (text[0] - '0') * 10 + (text[1] - '0');
}

std::optional<std::array<bool, 7>> named_days(const std::string& name) {
  std::array<bool, 7> days{};
  if (name == "every") {
    days.fill(true);
  } else if (name == "weekdays") {
    std::fill(days.begin(), days.begin() + 5, true);
  } else if (name == "weekends") {
    days[5] = true;
    days[6] = true;
  } else {
    return std::nullopt;
  }
  return days;
}

std::optional<int> day_index(const nlohmann::json& name) {
  if (!name.is_string()) return std::nullopt;
  for (int i = 0; i < 7; ++i) {
    if (name.get<std::string>() == kDayNames[i]) return i;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> parse_clock_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const int hours = two_digits(text.substr(0, 2));
  const int minutes = two_digits(text.substr(3, 2));
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::optional<std::array<bool, 7>> parse_schedule_days(const nlohmann::json& days) {
  if (days.is_string()) return named_days(days.get<std::string>());
  if (!days.is_array() || days.empty() || days.size() > 7) return std::nullopt;
  std::array<bool, 7> selected{};
  for (const nlohmann::json& name : days) {
    const std::optional<int> index = day_index(name);
    if (!index || selected[static_cast<std::size_t>(*index)]) return std::nullopt;
    selected[static_cast<std::size_t>(*index)] = true;
  }
  return selected;
}

std::optional<AltSpeedSchedule> alt_speed_schedule_from(const nlohmann::json& alt_speed) {
  if (!alt_speed.is_object()) return std::nullopt;
  const nlohmann::json schedule = alt_speed.value("schedule", nlohmann::json());
  if (!schedule.is_object() || !schedule.value("enabled", false)) return std::nullopt;
  const nlohmann::json from = schedule.value("from", nlohmann::json());
  const nlohmann::json to = schedule.value("to", nlohmann::json());
  if (!from.is_string() || !to.is_string()) return std::nullopt;
  const std::optional<int> from_minute = parse_clock_time(from.get<std::string>());
  const std::optional<int> to_minute = parse_clock_time(to.get<std::string>());
  const auto days = parse_schedule_days(schedule.value("days", nlohmann::json()));
  if (!from_minute || !to_minute || !days) return std::nullopt;
  return AltSpeedSchedule{*from_minute, *to_minute, *days};
}

bool alt_speed_scheduled(const AltSpeedSchedule& schedule, LocalClock now) {
  const auto day = [&schedule](int weekday) {
    return schedule.days[static_cast<std::size_t>((weekday + 7) % 7)];
  };
  if (schedule.from_minute < schedule.to_minute) {
    return day(now.weekday) && now.minute >= schedule.from_minute &&
           now.minute < schedule.to_minute;
  }
  // The window runs past midnight: the evening part belongs to today, the
  // morning part to the window that opened yesterday.
  if (now.minute >= schedule.from_minute) return day(now.weekday);
  return now.minute < schedule.to_minute && day(now.weekday - 1);
}

LocalClock local_clock_of(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  localtime_r(&seconds, &local);
  // tm_wday counts from Sunday.
  return LocalClock{(local.tm_wday + 6) % 7, local.tm_hour * 60 + local.tm_min};
}

}  // namespace revaer
