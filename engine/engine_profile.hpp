#pragma once

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"

namespace revaer {

// Reads the engine options of a validated engine_profile document. Absent
// fields keep the EngineOptions defaults. With ipv6_mode "disabled", IPv6
// listen interfaces are left out.
EngineOptions engine_options_from_profile(const nlohmann::json& profile);

}  // namespace revaer
