#include "api/host_check.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "api/trace_context.hpp"

namespace revaer {
namespace {

namespace ip = boost::asio::ip;

TEST(ParseHostHeader, StripsPortBracketsAndCase) {
  struct Case {
    const char* header;
    const char* host;
  };
  for (const Case& c : {Case{"127.0.0.1", "127.0.0.1"},
                        Case{"127.0.0.1:7070", "127.0.0.1"},
                        Case{"LocalHost:80", "localhost"},
                        Case{"[::1]", "::1"},
                        Case{"[::1]:7070", "::1"},
                        Case{"[FD00::1]:1", "fd00::1"},
                        Case{"media.example.", "media.example"},
                        Case{"my_box.lan:65535", "my_box.lan"}}) {
    std::optional<std::string> host = parse_host_header(c.header);
    ASSERT_TRUE(host) << c.header;
    EXPECT_EQ(*host, c.host) << c.header;
  }
}

TEST(ParseHostHeader, RejectsMalformed) {
  for (const char* header :
       {"", ":80", "::1", "[::1", "[::1]x", "[::1]:", "[nothex]", "a:b",
        "host:123456", "host:-1", "a b", "a/b", "host:80:80", "ex\xc3\xa9.com"}) {
    EXPECT_FALSE(parse_host_header(header)) << header;
  }
  EXPECT_FALSE(parse_host_header(std::string(254, 'a')));
}

LocalEndpoint loopback() {
  return {ip::make_address("127.0.0.1"), ip::make_address("127.0.0.1")};
}

TEST(IsAllowedHost, LoopbackNamesThroughLoopback) {
  nlohmann::json none = nlohmann::json::array();
  for (const char* host : {"localhost", "127.0.0.1", "::1"}) {
    EXPECT_TRUE(is_allowed_host(host, loopback(), none)) << host;
  }
  LocalEndpoint v6{ip::make_address("::1"), ip::make_address("::1")};
  EXPECT_TRUE(is_allowed_host("127.0.0.1", v6, none));
  EXPECT_FALSE(is_allowed_host("evil.example", loopback(), none));
  EXPECT_FALSE(is_allowed_host("127.0.0.2", loopback(), none));
}

TEST(IsAllowedHost, BoundAddressOnly) {
  LocalEndpoint lan{ip::make_address("192.0.2.10"),
                    ip::make_address("192.0.2.10")};
  nlohmann::json none = nlohmann::json::array();
  EXPECT_TRUE(is_allowed_host("192.0.2.10", lan, none));
  EXPECT_FALSE(is_allowed_host("localhost", lan, none));
  EXPECT_FALSE(is_allowed_host("127.0.0.1", lan, none));
  EXPECT_FALSE(is_allowed_host("192.0.2.11", lan, none));
}

TEST(IsAllowedHost, MappedAddressMatchesIpv4) {
  LocalEndpoint mapped{ip::make_address("::ffff:192.0.2.10"),
                       ip::make_address("::")};
  EXPECT_TRUE(is_allowed_host("192.0.2.10", mapped, nlohmann::json::array()));
}

TEST(IsAllowedHost, ConfiguredNames) {
  nlohmann::json allowed = {"Media.Example.", "192.0.2.99"};
  EXPECT_TRUE(is_allowed_host("media.example", loopback(), allowed));
  EXPECT_TRUE(is_allowed_host("192.0.2.99", loopback(), allowed));
  EXPECT_FALSE(is_allowed_host("other.example", loopback(), allowed));
  EXPECT_FALSE(is_allowed_host("sub.media.example", loopback(), allowed));
}

// Returns a non-loopback address of this machine, if it has one.
std::optional<ip::address> machine_address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return std::nullopt;
  }
  std::optional<ip::address> found;
  for (ifaddrs* entry = list; entry != nullptr && !found;
       entry = entry->ifa_next) {
    if (entry->ifa_addr != nullptr && entry->ifa_addr->sa_family == AF_INET) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(entry->ifa_addr);
      ip::address_v4 address(ntohl(v4->sin_addr.s_addr));
      if (!address.is_loopback()) {
        found = address;
      }
    }
  }
  freeifaddrs(list);
  return found;
}

TEST(IsAllowedHost, WildcardListenerAcceptsMachineAddresses) {
  std::optional<ip::address> own = machine_address();
  if (!own) {
    GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
  }
  LocalEndpoint wildcard{ip::make_address("127.0.0.1"),
                         ip::make_address("0.0.0.0")};
  LocalEndpoint specific = loopback();
  nlohmann::json none = nlohmann::json::array();
  EXPECT_TRUE(is_allowed_host(own->to_string(), wildcard, none));
  EXPECT_FALSE(is_allowed_host(own->to_string(), specific, none));
  EXPECT_FALSE(is_allowed_host("192.0.2.250", wildcard, none));
}

TEST(ParseTraceparent, AcceptsValid) {
  std::optional<TraceParent> trace = parse_traceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(trace->flags, "01");
  EXPECT_EQ(trace->to_header(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(ParseTraceparent, ReadsLaterVersionsAsVersion00) {
  std::optional<TraceParent> trace = parse_traceparent(
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra");
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->to_header(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(ParseTraceparent, RejectsInvalid) {
  for (const char* value : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
       }) {
    EXPECT_FALSE(parse_traceparent(value)) << value;
  }
}

}  // namespace
}  // namespace revaer
