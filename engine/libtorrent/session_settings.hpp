#pragma once

#include <string>

#include <libtorrent/fwd.hpp>

#include "engine/engine.hpp"

namespace revaer {

// Joins each listen address with the listen port, bracketing bare IPv6
// addresses: {"127.0.0.1", "::1"} and port 0 give "127.0.0.1:0,[::1]:0".
std::string listen_interfaces_setting(const EngineOptions& options);

// The session settings for `options`. Listen interfaces, DHT, LSD, UPnP,
// NAT-PMP, uTP, rate caps, connection and active limits, seeding limits,
// encryption, proxy and tracker options are as configured. Several
// connections per IP are allowed, because peers sharing 127.0.0.1 or a NAT
// would otherwise count as one. The alert mask has the categories the
// engine handles.
lt::settings_pack make_session_settings(const EngineOptions& options);

// The peer filter that blocks every range of options.blocked_cidrs.
lt::ip_filter make_ip_filter(const EngineOptions& options);

// The peer class filter: peers on local networks (private, link-local,
// loopback) join libtorrent's local peer class, and with
// options.rate_limit_local_peers also the global class, whose limits are
// the session's rate caps. Every other peer joins the global class only.
// libtorrent assigns classes when a peer connects, so a new filter applies
// to new connections.
lt::ip_filter make_peer_class_filter(const EngineOptions& options);

// Adds the metadata and smart-ban plugins, and peer exchange when
// `options.pex` is set. Call before adding torrents.
void add_session_plugins(lt::session& session, const EngineOptions& options);

}  // namespace revaer
