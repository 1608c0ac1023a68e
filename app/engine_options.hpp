#pragma once

#include "config/config_service.hpp"
#include "engine/engine.hpp"
#include "fsops/fsops_worker.hpp"

namespace revaer {

// Reads the engine settings of a snapshot's engine_profile.
EngineOptions engine_options_from(const ConfigSnapshot& snapshot);

// Reads the post-processing settings of a snapshot's fs_policy.
FsPolicyView fs_policy_from(const ConfigSnapshot& snapshot);

}  // namespace revaer
