#include "engine/libtorrent/session_settings.hpp"

#include <libtorrent/alert.hpp>
#include <libtorrent/extensions/smart_ban.hpp>
#include <libtorrent/extensions/ut_metadata.hpp>
#include <libtorrent/extensions/ut_pex.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/settings_pack.hpp>

#include "core/version.hpp"

namespace revaer {
namespace {

// Enough room for one save_resume_data_alert per torrent at shutdown plus
// the status updates arriving meanwhile, so no save is dropped.
constexpr int kAlertQueueSize = 100000;

std::string bracket_ipv6(const std::string& address) {
  const bool bare_ipv6 = address.find(':') != std::string::npos && address.front() != '[';
  return bare_ipv6 ? "[" + address + "]" : address;
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
  pack.set_str(lt::settings_pack::user_agent, std::string("Revaer/") + build_version());

  pack.set_bool(lt::settings_pack::enable_dht, options.dht);
  pack.set_bool(lt::settings_pack::enable_lsd, options.lsd);
  pack.set_bool(lt::settings_pack::enable_upnp, options.upnp);
  pack.set_bool(lt::settings_pack::enable_natpmp, options.natpmp);
  pack.set_bool(lt::settings_pack::enable_outgoing_utp, options.outgoing_utp);
  pack.set_bool(lt::settings_pack::enable_incoming_utp, options.incoming_utp);
  pack.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);

  const lt::alert_category_t categories =
      lt::alert_category::status | lt::alert_category::storage | lt::alert_category::error;
  pack.set_int(lt::settings_pack::alert_mask, static_cast<int>(categories));
  pack.set_int(lt::settings_pack::alert_queue_size, kAlertQueueSize);
  return pack;
}

void add_session_plugins(lt::session& session, const EngineOptions& options) {
  session.add_extension(&lt::create_ut_metadata_plugin);
  session.add_extension(&lt::create_smart_ban_plugin);
  if (options.pex) session.add_extension(&lt::create_ut_pex_plugin);
}

}  // namespace revaer
