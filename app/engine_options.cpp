#include "app/engine_options.hpp"

namespace revaer {

EngineOptions engine_options_from(const ConfigSnapshot& snapshot) {
  const nlohmann::json& profile = snapshot.engine_profile;
  EngineOptions options;
  options.listen_interfaces =
      profile.value("listen_interfaces", options.listen_interfaces);
  options.listen_port = profile.value("listen_port", options.listen_port);
  options.dht = profile.value("dht", false);
  options.lsd = profile.value("enable_lsd", false);
  options.upnp = profile.value("enable_upnp", false);
  options.natpmp = profile.value("enable_natpmp", false);
  options.pex = profile.value("enable_pex", false);
  options.outgoing_utp = profile.value("enable_outgoing_utp", true);
  options.incoming_utp = profile.value("enable_incoming_utp", true);
  options.download_root = profile.value("download_root", "");
  options.resume_dir = profile.value("resume_dir", "");
  return options;
}

FsPolicyView fs_policy_from(const ConfigSnapshot& snapshot) {
  FsPolicyView policy;
  policy.library_root = snapshot.fs_policy.value("library_root", "");
  policy.move_mode = snapshot.fs_policy.value("move_mode", "hardlink");
  return policy;
}

}  // namespace revaer
