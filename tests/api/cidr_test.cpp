#include "api/cidr.hpp"

#include <gtest/gtest.h>

namespace revaer {
namespace {

using boost::asio::ip::make_address;

bool block_contains(const char* block, const char* address) {
  std::optional<CidrBlock> parsed = CidrBlock::parse(block);
  EXPECT_TRUE(parsed) << block;
  return parsed && parsed->contains(make_address(address));
}

TEST(Cidr, Ipv4) {
  EXPECT_TRUE(block_contains("192.168.0.0/16", "192.168.44.1"));
  EXPECT_FALSE(block_contains("192.168.0.0/16", "192.169.0.1"));
  EXPECT_TRUE(block_contains("10.0.0.0/8", "10.255.255.255"));
  EXPECT_TRUE(block_contains("172.16.0.0/12", "172.31.1.1"));
  EXPECT_FALSE(block_contains("172.16.0.0/12", "172.32.0.1"));
  EXPECT_TRUE(block_contains("0.0.0.0/0", "8.8.8.8"));
  EXPECT_TRUE(block_contains("203.0.113.7", "203.0.113.7"));
  EXPECT_FALSE(block_contains("203.0.113.7", "203.0.113.8"));
}

TEST(Cidr, Ipv6) {
  EXPECT_TRUE(block_contains("fd00::/8", "fd12:3456::1"));
  EXPECT_FALSE(block_contains("fd00::/8", "fe80::1"));
  EXPECT_TRUE(block_contains("2001:db8::/33", "2001:db8:7fff::1"));
  EXPECT_FALSE(block_contains("2001:db8::/33", "2001:db8:8000::1"));
  EXPECT_TRUE(block_contains("::1/128", "::1"));
  EXPECT_FALSE(block_contains("::1/128", "127.0.0.1"));
}

TEST(Cidr, MappedAddresses) {
  EXPECT_TRUE(block_contains("192.168.0.0/16", "::ffff:192.168.1.2"));
  EXPECT_FALSE(block_contains("192.168.0.0/16", "::ffff:10.0.0.1"));
  EXPECT_TRUE(block_contains("::ffff:10.0.0.0/104", "10.1.2.3"));
  EXPECT_TRUE(block_contains("::ffff:10.0.0.0/104", "::ffff:10.1.2.3"));
  EXPECT_FALSE(block_contains("::ffff:10.0.0.0/104", "11.0.0.1"));
  EXPECT_TRUE(block_contains("::/0", "10.0.0.1"));
  EXPECT_FALSE(block_contains("10.0.0.0/8", "fd00::1"));
}

TEST(Cidr, RejectsMalformed) {
  for (const char* text : {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1",
                           "10.0.0/8", "fd00::/129", "fd00::/8x", "host/8",
                           "10.0.0.0/8/8"}) {
    EXPECT_FALSE(CidrBlock::parse(text)) << text;
  }
}

TEST(LocalNetwork, LoopbackAlwaysLocal) {
  nlohmann::json none = nlohmann::json::array();
  EXPECT_TRUE(is_local_network(make_address("127.0.0.1"), none));
  EXPECT_TRUE(is_local_network(make_address("127.8.9.10"), none));
  EXPECT_TRUE(is_local_network(make_address("::1"), none));
  EXPECT_TRUE(is_local_network(make_address("::ffff:127.0.0.1"), none));
  EXPECT_FALSE(is_local_network(make_address("192.168.1.1"), none));
}

TEST(LocalNetwork, ConfiguredBlocks) {
  nlohmann::json networks = {"192.168.0.0/16", "not a cidr", 7, "fd00::/8"};
  EXPECT_TRUE(is_local_network(make_address("192.168.1.1"), networks));
  EXPECT_TRUE(is_local_network(make_address("::ffff:192.168.1.1"), networks));
  EXPECT_TRUE(is_local_network(make_address("fd00::5"), networks));
  EXPECT_FALSE(is_local_network(make_address("10.0.0.1"), networks));
  EXPECT_FALSE(is_local_network(make_address("10.0.0.1"), nullptr));
}

}  // namespace
}  // namespace revaer
