#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

namespace revaer {

// Returns the host of a Host header value in lower case, without its port,
// IPv6 brackets or one trailing dot. Returns nullopt for a malformed value:
// empty, a bad port, an IPv6 address without brackets, or characters that
// no host name or address contains.
std::optional<std::string> parse_host_header(std::string_view value);

// The local addresses of an accepted connection.
struct LocalEndpoint {
  boost::asio::ip::address connection;  // the socket's local address
  boost::asio::ip::address listener;    // the listener's bound address
};

// Decides whether `host` (from parse_host_header) names this server, which
// guards browsers on the operator's machine against DNS rebinding. Allowed:
// - the address the client connected to, and any address of this
//   machine's interfaces when the listener is bound to 0.0.0.0 or ::;
// - "localhost", 127.0.0.1 and ::1 when the client connected through
//   loopback;
// - a name in `allowed_hosts` (app_profile.allowed_hosts), compared without
//   case and trailing dot.
bool is_allowed_host(std::string_view host, const LocalEndpoint& local,
                     const nlohmann::json& allowed_hosts);

}  // namespace revaer
