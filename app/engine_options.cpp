#include "app/engine_options.hpp"

#include "engine/engine_profile.hpp"

namespace revaer {

EngineOptions engine_options_from(const ConfigSnapshot& snapshot) {
  return engine_options_from_profile(snapshot.engine_profile);
}

FsPolicyView fs_policy_from(const ConfigSnapshot& snapshot) {
  FsPolicyView policy;
  policy.library_root = snapshot.fs_policy.value("library_root", "");
  policy.move_mode = snapshot.fs_policy.value("move_mode", "hardlink");
  return policy;
}

}  // namespace revaer
