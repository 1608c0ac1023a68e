#include "engine/engine_profile.hpp"

#include <algorithm>

namespace revaer {
namespace {

using Json = nlohmann::json;

bool is_ipv6_interface(const std::string& address) {
  return address.find(':') != std::string::npos;
}

std::optional<ProxyOptions> proxy_from(const Json& proxy) {
  if (!proxy.is_object()) {
    return std::nullopt;
  }
  ProxyOptions options;
  options.type = proxy.value("type", options.type);
  options.host = proxy.value("host", options.host);
  options.port = proxy.value("port", options.port);
  // Optional members may be null, which keeps the default.
  if (proxy.contains("proxy_peers") && proxy["proxy_peers"].is_boolean()) {
    options.proxy_peers = proxy["proxy_peers"].get<bool>();
  }
  if (proxy.contains("proxy_trackers") && proxy["proxy_trackers"].is_boolean()) {
    options.proxy_trackers = proxy["proxy_trackers"].get<bool>();
  }
  return options;
}

void read_tracker(const Json& tracker, EngineOptions& options) {
  if (!tracker.is_object()) {
    return;
  }
  auto flag = [&tracker](const char* name) {
    return tracker.contains(name) && tracker[name].is_boolean() &&
           tracker[name].get<bool>();
  };
  options.announce_to_all_trackers = flag("announce_to_all_trackers");
  options.announce_to_all_tiers = flag("announce_to_all_tiers");
  if (tracker.contains("user_agent") && tracker["user_agent"].is_string()) {
    options.user_agent = tracker["user_agent"].get<std::string>();
  }
}

void read_limits(const Json& profile, EngineOptions& options) {
  options.max_active = profile.value("max_active", options.max_active);
  options.max_download_bps =
      profile.value("max_download_bps", options.max_download_bps);
  options.max_upload_bps = profile.value("max_upload_bps", options.max_upload_bps);
  const Json alt = profile.value("alt_speed", Json());
  if (alt.is_object() && alt.value("enabled", false)) {
    options.alt_speed =
        RateCaps{alt.value("download_bps", 0), alt.value("upload_bps", 0)};
  }
  options.rate_limit_local_peers =
      profile.value("rate_limit_local_peers", options.rate_limit_local_peers);
  const Json ratio = profile.value("seed_ratio_limit", Json());
  if (ratio.is_number()) {
    options.seed_ratio_limit = ratio.get<double>();
  }
  const Json seed_time = profile.value("seed_time_limit", Json());
  if (seed_time.is_number_integer()) {
    options.seed_time_limit_secs = seed_time.get<int>();
  }
  options.connections_limit =
      profile.value("connections_limit", options.connections_limit);
  options.connections_limit_per_torrent = profile.value(
      "connections_limit_per_torrent", options.connections_limit_per_torrent);
}

}  // namespace

EngineOptions engine_options_from_profile(const Json& profile) {
  EngineOptions options;
  options.listen_interfaces =
      profile.value("listen_interfaces", options.listen_interfaces);
  options.default_listen_interfaces =
      options.listen_interfaces == EngineOptions{}.listen_interfaces;
  if (profile.value("ipv6_mode", "enabled") == "disabled") {
    std::erase_if(options.listen_interfaces, is_ipv6_interface);
  }
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
  options.encryption = profile.value("encryption", options.encryption);
  options.proxy = proxy_from(profile.value("proxy", Json()));
  read_limits(profile, options);
  options.allocate_storage = profile.value("storage_mode", "sparse") == "allocate";

  const Json filter = profile.value("ip_filter", Json());
  if (filter.is_object()) {
    options.blocked_cidrs =
        filter.value("blocked", std::vector<std::string>{});
  }
  read_tracker(profile.value("tracker", Json()), options);
  return options;
}

}  // namespace revaer
