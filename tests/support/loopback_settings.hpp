#pragma once

#include <string>

#include <libtorrent/settings_pack.hpp>

namespace revaer::test {

// Session settings of the libtorrent peers that tests and benchmarks run
// beside revaerd: listen on
// `listen_interfaces` over TCP only, with DHT, LSD, UPnP, NAT-PMP and uTP
// off, and several connections per IP allowed because every peer is on
// 127.0.0.1.
inline lt::settings_pack loopback_settings(const std::string& listen_interfaces) {
  lt::settings_pack pack;
  pack.set_str(lt::settings_pack::listen_interfaces, listen_interfaces);
  pack.set_bool(lt::settings_pack::enable_dht, false);
  pack.set_bool(lt::settings_pack::enable_lsd, false);
  pack.set_bool(lt::settings_pack::enable_upnp, false);
  pack.set_bool(lt::settings_pack::enable_natpmp, false);
  pack.set_bool(lt::settings_pack::enable_outgoing_utp, false);
  pack.set_bool(lt::settings_pack::enable_incoming_utp, false);
  pack.set_bool(lt::settings_pack::allow_multiple_connections_per_ip, true);
  return pack;
}

}  // namespace revaer::test
