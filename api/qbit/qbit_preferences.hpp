#pragma once

#include <nlohmann/json.hpp>

#include "config/config_service.hpp"
#include "core/result.hpp"

namespace revaer {

// The engine profile of `snapshot`, or an empty object when it is not an
// object, so readers can call value() on it.
const nlohmann::json& engine_profile_of(const ConfigSnapshot& snapshot);

// app/preferences: qBittorrent 5.1's preference object, mapped from the
// engine profile of `snapshot`. Preferences Revaer has no setting for get
// qBittorrent's defaults. Rates are bytes per second with 0 for
// unlimited, max_seeding_time is minutes, and -1 disables a share limit.
nlohmann::json qbit_preferences(const ConfigSnapshot& snapshot);

// app/setPreferences: the configuration changeset (as PATCH /v1/config
// takes it) for a qBittorrent preference object. Keys Revaer has no
// setting for are ignored, as qBittorrent ignores unknown keys. Returns an
// empty object when nothing maps. Problems: 400 a known key with a value
// of the wrong JSON type.
Result<nlohmann::json> qbit_preferences_changeset(
    const nlohmann::json& preferences, const ConfigSnapshot& snapshot);

}  // namespace revaer
