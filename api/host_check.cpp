#include "api/host_check.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace revaer {
namespace {

namespace ip = boost::asio::ip;

constexpr std::size_t kMaxHostLength = 253;

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.' || c == '_';
}

bool is_port(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c));
         });
}

std::string lower_without_trailing_dot(std::string_view text) {
  if (!text.empty() && text.back() == '.') {
    text.remove_suffix(1);
  }
  std::string result(text);
  for (char& c : result) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return result;
}

// Maps ::ffff:a.b.c.d to a.b.c.d, so either spelling compares equal.
ip::address unmap(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::optional<ip::address> interface_address(const sockaddr* socket_address) {
  if (socket_address == nullptr) {
    return std::nullopt;
  }
  if (socket_address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, socket_address, sizeof(v4));
    return ip::address_v4(ntohl(v4.sin_addr.s_addr));
  }
  if (socket_address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, socket_address, sizeof(v6));
    ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), v6.sin6_addr.s6_addr, bytes.size());
    return ip::address_v6(bytes);
  }
  return std::nullopt;
}

// Returns true when `address` belongs to one of this machine's network
// interfaces. Reads the interfaces on every call, so addresses that
// DHCP or SLAAC add later count too.
bool is_interface_address(const ip::address& address) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return false;
  }
  bool found = false;
  for (ifaddrs* entry = list; entry != nullptr && !found;
       entry = entry->ifa_next) {
    std::optional<ip::address> candidate = interface_address(entry->ifa_addr);
    found = candidate && *candidate == address;
  }
  freeifaddrs(list);
  return found;
}

bool is_loopback_name(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

bool is_allowed_name(std::string_view host,
                     const nlohmann::json& allowed_hosts) {
  if (!allowed_hosts.is_array()) {
    return false;
  }
  return std::any_of(allowed_hosts.begin(), allowed_hosts.end(),
                     [host](const nlohmann::json& entry) {
                       return entry.is_string() &&
                              lower_without_trailing_dot(
                                  entry.get_ref<const std::string&>()) == host;
                     });
}

bool is_own_address(const ip::address& address, const LocalEndpoint& local) {
  ip::address unmapped = unmap(address);
  if (unmapped == unmap(local.connection)) {
    return true;
  }
  if (!local.listener.is_unspecified()) {
    return false;
  }
  // A wildcard listener serves every address of this machine.
  return is_interface_address(unmapped);
}

}  // namespace

std::optional<std::string> parse_host_header(std::string_view value) {
  std::string_view host = value;
  std::string_view port;
  if (!value.empty() && value.front() == '[') {
    std::size_t close = value.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    host = value.substr(1, close - 1);
    std::string_view rest = value.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !is_port(rest.substr(1)))) {
      return std::nullopt;
    }
    boost::system::error_code ec;
    ip::make_address_v6(std::string(host), ec);
    if (ec) {
      return std::nullopt;
    }
    return lower_without_trailing_dot(host);
  }

  std::size_t colon = value.find(':');
  if (colon != std::string_view::npos) {
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
    if (!is_port(port)) {
      return std::nullopt;
    }
  }
  if (host.empty() || host.size() > kMaxHostLength ||
      !std::all_of(host.begin(), host.end(), is_host_char)) {
    return std::nullopt;
  }
  return lower_without_trailing_dot(host);
}

bool is_allowed_host(std::string_view host, const LocalEndpoint& local,
                     const nlohmann::json& allowed_hosts) {
  bool via_loopback = unmap(local.connection).is_loopback();
  if (via_loopback && is_loopback_name(host)) {
    return true;
  }

  boost::system::error_code ec;
  ip::address literal = ip::make_address(std::string(host), ec);
  if (!ec && is_own_address(literal, local)) {
    return true;
  }
  return is_allowed_name(host, allowed_hosts);
}

}  // namespace revaer
