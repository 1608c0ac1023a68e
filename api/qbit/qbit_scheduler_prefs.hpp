#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace revaer {

// Sets qBittorrent's bandwidth scheduler preferences (scheduler_enabled,
// schedule_from_hour .. schedule_to_min, scheduler_days) from
// engine.alt_speed.schedule. Without a schedule they read as qBittorrent's
// defaults: off, 08:00 to 20:00, every day.
void add_scheduler_preferences(const nlohmann::json& engine, nlohmann::json& prefs);

// Maps the scheduler preferences present in `preferences` onto
// out["alt_speed"]["schedule"], starting from out's alt_speed when an
// earlier mapping set one, else from the engine profile's. Returns an
// error message for a value of the wrong type or range, else "".
std::string map_scheduler_preferences(const nlohmann::json& preferences,
                                      const nlohmann::json& engine, nlohmann::json& out);

}  // namespace revaer
