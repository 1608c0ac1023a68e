#include "app/engine_options.hpp"

#include "engine/engine_profile.hpp"

namespace revaer {

EngineOptions engine_options_from(const ConfigSnapshot& snapshot) {
  return engine_options_from_profile(snapshot.engine_profile);
}

FsPolicyView fs_policy_from(const ConfigSnapshot& snapshot) {
  return fs_policy_from_json(snapshot.fs_policy);
}

}  // namespace revaer
