#include "api/cidr.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <string>

namespace revaer {
namespace {

namespace ip = boost::asio::ip;

// Maps ::ffff:a.b.c.d to a.b.c.d so either spelling of an IPv4 peer
// compares against IPv4 blocks. Other addresses are returned unchanged.
ip::address unmap(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

template <std::size_t N>
bool prefix_equal(const std::array<unsigned char, N>& a,
                  const std::array<unsigned char, N>& b, int prefix_length) {
  int full_bytes = prefix_length / 8;
  if (!std::equal(a.begin(), a.begin() + full_bytes, b.begin())) {
    return false;
  }

  int rest_bits = prefix_length % 8;
  if (rest_bits == 0) {
    return true;
  }
  auto mask = static_cast<unsigned char>(0xff << (8 - rest_bits));
  return (a[full_bytes] & mask) == (b[full_bytes] & mask);
}

std::optional<int> parse_prefix(std::string_view text) {
  int value = -1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

CidrBlock::CidrBlock(ip::address network, int prefix_length)
    : network_(std::move(network)), prefix_length_(prefix_length) {}

std::optional<CidrBlock> CidrBlock::parse(std::string_view text) {
  std::size_t slash = text.find('/');
  std::string address_text(text.substr(0, slash));

  boost::system::error_code ec;
  ip::address network = ip::make_address(address_text, ec);
  if (ec) {
    return std::nullopt;
  }

  int max_length = network.is_v4() ? 32 : 128;
  int prefix_length = max_length;
  if (slash != std::string_view::npos) {
    std::optional<int> parsed = parse_prefix(text.substr(slash + 1));
    if (!parsed || *parsed < 0 || *parsed > max_length) {
      return std::nullopt;
    }
    prefix_length = *parsed;
  }

  // A block inside ::ffff:0:0/96 is an IPv4 block in IPv6 spelling.
  constexpr int kMappedPrefix = 96;
  if (network != unmap(network) && prefix_length >= kMappedPrefix) {
    return CidrBlock(unmap(network), prefix_length - kMappedPrefix);
  }
  return CidrBlock(network, prefix_length);
}

bool CidrBlock::contains(const ip::address& address) const {
  if (network_.is_v4()) {
    ip::address candidate = unmap(address);
    return candidate.is_v4() &&
           prefix_equal(candidate.to_v4().to_bytes(),
                        network_.to_v4().to_bytes(), prefix_length_);
  }

  ip::address_v6 candidate =
      address.is_v6() ? address.to_v6()
                      : ip::make_address_v6(ip::v4_mapped, address.to_v4());
  return prefix_equal(candidate.to_bytes(), network_.to_v6().to_bytes(),
                      prefix_length_);
}

bool is_local_network(const ip::address& address,
                      const nlohmann::json& local_networks) {
  if (unmap(address).is_loopback()) {
    return true;
  }
  if (!local_networks.is_array()) {
    return false;
  }

  for (const nlohmann::json& entry : local_networks) {
    if (!entry.is_string()) {
      continue;
    }
    std::optional<CidrBlock> block =
        CidrBlock::parse(entry.get_ref<const std::string&>());
    if (block && block->contains(address)) {
      return true;
    }
  }
  return false;
}

}  // namespace revaer
