#include "engine/libtorrent/session_settings.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include <libtorrent/address.hpp>
#include <libtorrent/alert.hpp>
#include <libtorrent/extensions/smart_ban.hpp>
#include <libtorrent/extensions/ut_metadata.hpp>
#include <libtorrent/extensions/ut_pex.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/settings_pack.hpp>

#include "core/version.hpp"

namespace revaer {
namespace {

// Enough room for one save_resume_data_alert per torrent at shutdown plus
// the status updates arriving meanwhile, so no save is dropped.
constexpr int kAlertQueueSize = 100000;

// Returns the first and last address of "10.0.0.0/8" or of a bare address,
// or nullopt when the text is neither.
std::optional<std::pair<lt::address, lt::address>> cidr_range(const std::string& cidr) {
  const auto slash = cidr.find('/');
  boost::system::error_code error;
  const lt::address address = lt::make_address(cidr.substr(0, slash), error);
  if (error) return std::nullopt;
  const int bits_total = address.is_v4() ? 32 : 128;
  int prefix = bits_total;
  if (slash != std::string::npos) {
    try {
      prefix = std::stoi(cidr.substr(slash + 1));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (prefix < 0 || prefix > bits_total) return std::nullopt;

  if (address.is_v4()) {
    const std::uint32_t value = address.to_v4().to_uint();
    const std::uint32_t host_mask = prefix == 0 ? 0xffffffffu : (1u << (32 - prefix)) - 1;
    return std::pair{lt::address(lt::address_v4(value & ~host_mask)),
                     lt::address(lt::address_v4(value | host_mask))};
  }
  auto first = address.to_v6().to_bytes();
  auto last = first;
  for (int bit = prefix; bit < 128; ++bit) {
    const auto mask = static_cast<unsigned char>(0x80u >> (bit % 8));
    first[static_cast<std::size_t>(bit / 8)] &= static_cast<unsigned char>(~mask);
    last[static_cast<std::size_t>(bit / 8)] |= mask;
  }
  return std::pair{lt::address(lt::address_v6(first)), lt::address(lt::address_v6(last))};
}

// Private, link-local, loopback and unique local ranges, the ones that
// libtorrent 2.0 maps to its local peer class by default
// (session_impl::init_peer_class_filter).
constexpr const char* kLocalNetworks[] = {
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
    "127.0.0.0/8", "::1/128",       "fe80::/10",      "fc00::/7"};

std::uint32_t class_bit(lt::peer_class_t peer_class) {
  return std::uint32_t{1} << static_cast<std::uint32_t>(peer_class);
}

std::string bracket_ipv6(const std::string& address) {
  const bool bare_ipv6 = address.find(':') != std::string::npos && address.front() != '[';
  return bare_ipv6 ? "[" + address + "]" : address;
}

void add_transfer_settings(lt::settings_pack& pack, const EngineOptions& options) {
  const RateCaps caps =
      options.alt_speed.value_or(RateCaps{options.max_download_bps, options.max_upload_bps});
  pack.set_int(lt::settings_pack::download_rate_limit, caps.download_bps);
  pack.set_int(lt::settings_pack::upload_rate_limit, caps.upload_bps);
  pack.set_int(lt::settings_pack::connections_limit, options.connections_limit);
  pack.set_int(lt::settings_pack::active_downloads, options.max_active);
  pack.set_int(lt::settings_pack::active_limit, options.max_active);

  // Without a configured limit, libtorrent's own default applies again.
  const lt::settings_pack defaults = lt::default_settings();
  pack.set_int(lt::settings_pack::share_ratio_limit,
               options.seed_ratio_limit
                   ? static_cast<int>(std::lround(*options.seed_ratio_limit * 100))
                   : defaults.get_int(lt::settings_pack::share_ratio_limit));
  pack.set_int(lt::settings_pack::seed_time_limit,
               options.seed_time_limit_secs.value_or(
                   defaults.get_int(lt::settings_pack::seed_time_limit)));
  pack.set_bool(lt::settings_pack::announce_to_all_trackers, options.announce_to_all_trackers);
  pack.set_bool(lt::settings_pack::announce_to_all_tiers, options.announce_to_all_tiers);
}

void add_encryption_settings(lt::settings_pack& pack, const std::string& encryption) {
  int policy = lt::settings_pack::pe_enabled;
  int level = lt::settings_pack::pe_both;
  if (encryption == "require") {
    policy = lt::settings_pack::pe_forced;
    level = lt::settings_pack::pe_rc4;
  } else if (encryption == "disable") {
    policy = lt::settings_pack::pe_disabled;
  }
  pack.set_int(lt::settings_pack::out_enc_policy, policy);
  pack.set_int(lt::settings_pack::in_enc_policy, policy);
  pack.set_int(lt::settings_pack::allowed_enc_level, level);
}

void add_proxy_settings(lt::settings_pack& pack, const std::optional<ProxyOptions>& proxy) {
  if (!proxy) {
    pack.set_int(lt::settings_pack::proxy_type, lt::settings_pack::none);
    return;
  }
  int type = lt::settings_pack::socks5;
  if (proxy->type == "socks4") {
    type = lt::settings_pack::socks4;
  } else if (proxy->type == "http") {
    type = lt::settings_pack::http;
  }
  pack.set_int(lt::settings_pack::proxy_type, type);
  pack.set_str(lt::settings_pack::proxy_hostname, proxy->host);
  pack.set_int(lt::settings_pack::proxy_port, proxy->port);
  pack.set_bool(lt::settings_pack::proxy_peer_connections, proxy->proxy_peers);
  pack.set_bool(lt::settings_pack::proxy_tracker_connections, proxy->proxy_trackers);
  pack.set_bool(lt::settings_pack::proxy_hostnames, true);
}

}  // namespace

std::string listen_interfaces_setting(const EngineOptions& options) {
  std::string joined;
  for (const std::string& address : options.listen_interfaces) {
    if (address.empty()) continue;
    if (!joined.empty()) joined += ',';
    joined += bracket_ipv6(address) + ":" + std::to_string(options.listen_port);
  }
  return joined;
}

lt::settings_pack make_session_settings(const EngineOptions& options) {
  lt::settings_pack pack;
  pack.set_str(lt::settings_pack::listen_interfaces, listen_interfaces_setting(options));
  // A taken port is a fault that is reported and retried, so libtorrent
  // must neither try the next ports nor fall back to one the OS picks.
  pack.set_int(lt::settings_pack::max_retry_port_bind, 0);
  pack.set_bool(lt::settings_pack::listen_system_port_fallback, false);
  pack.set_str(lt::settings_pack::user_agent,
               options.user_agent.value_or(std::string("Revaer/") + build_version()));
  add_transfer_settings(pack, options);
  add_encryption_settings(pack, options.encryption);
  add_proxy_settings(pack, options.proxy);

  pack.set_bool(lt::settings_pack::enable_dht, options.dht);
  pack.set_bool(lt::settings_pack::enable_lsd, options.lsd);
  pack.set_bool(lt::settings_pack::enable_upnp, options.upnp);
  pack.set_bool(lt::settings_pack::enable_natpmp, options.natpmp);
  pack.set_bool(lt::settings_pack::enable_outgoing_utp, options.outgoing_utp);
  pack.set_bool(lt::settings_pack::enable_incoming_utp, options.incoming_utp);
  pack.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);

  const lt::alert_category_t categories =
      lt::alert_category::status | lt::alert_category::storage | lt::alert_category::error |
      lt::alert_category::tracker;
  pack.set_int(lt::settings_pack::alert_mask, static_cast<int>(categories));
  pack.set_int(lt::settings_pack::alert_queue_size, kAlertQueueSize);
  return pack;
}

lt::ip_filter make_ip_filter(const EngineOptions& options) {
  lt::ip_filter filter;
  for (const std::string& cidr : options.blocked_cidrs) {
    const auto range = cidr_range(cidr);
    if (range) filter.add_rule(range->first, range->second, lt::ip_filter::blocked);
  }
  return filter;
}

lt::ip_filter make_peer_class_filter(const EngineOptions& options) {
  const std::uint32_t global = class_bit(lt::session_handle::global_peer_class_id);
  const std::uint32_t local = class_bit(lt::session_handle::local_peer_class_id);
  lt::ip_filter filter;
  filter.add_rule(lt::address_v4::any(), lt::address_v4::broadcast(), global);
  filter.add_rule(lt::address_v6::any(),
                  lt::address_v6(lt::address_v6::bytes_type{
                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                      0xff, 0xff, 0xff, 0xff, 0xff}),
                  global);
  // The local class keeps local peers unchoked. The global class adds the
  // session's rate caps, which the local class alone does not have.
  const std::uint32_t local_classes = options.rate_limit_local_peers ? local | global : local;
  for (const char* network : kLocalNetworks) {
    const auto range = cidr_range(network);
    if (range) filter.add_rule(range->first, range->second, local_classes);
  }
  return filter;
}

void add_session_plugins(lt::session& session, const EngineOptions& options) {
  session.add_extension(&lt::create_ut_metadata_plugin);
  session.add_extension(&lt::create_smart_ban_plugin);
  if (options.pex) session.add_extension(&lt::create_ut_pex_plugin);
}

}  // namespace revaer
