#pragma once

#include <utility>

#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

namespace revaer {

// An IPv4 or IPv6 network prefix such as "192.168.0.0/16" or "fd00::/8".
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match IPv4 blocks.
class CidrBlock {
 public:
  // Parses "address/prefix" or a bare address (a full-length prefix).
  // Returns nullopt for malformed text or a prefix beyond the address size.
  static std::optional<CidrBlock> parse(std::string_view text);

  bool contains(const boost::asio::ip::address& address) const;

 private:
  CidrBlock(boost::asio::ip::address network, int prefix_length);

  boost::asio::ip::address network_;
  int prefix_length_ = 0;
};

// Returns true for loopback addresses and for addresses inside any block of
// `local_networks` (app_profile.local_networks, an array of CIDR strings).
// Entries that are not valid CIDR strings are skipped.
bool is_local_network(const boost::asio::ip::address& address,
                      const nlohmann::json& local_networks);

}  // namespace revaer
