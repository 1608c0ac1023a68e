#include "engine/libtorrent/session_settings.hpp"

#include <gtest/gtest.h>
#include <libtorrent/address.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/settings_pack.hpp>

namespace revaer {
namespace {

TEST(SessionSettings, ListenInterfacesJoinPort) {
  EngineOptions options;
  options.listen_interfaces = {"127.0.0.1", "[::1]", "::1", "0.0.0.0"};
  options.listen_port = 0;
  EXPECT_EQ(listen_interfaces_setting(options), "127.0.0.1:0,[::1]:0,[::1]:0,0.0.0.0:0");

  options.listen_interfaces = {"127.0.0.1"};
  options.listen_port = 6881;
  EXPECT_EQ(listen_interfaces_setting(options), "127.0.0.1:6881");
}

TEST(SessionSettings, DefaultsKeepDiscoveryOff) {
  EngineOptions options;
  const lt::settings_pack pack = make_session_settings(options);
  EXPECT_FALSE(pack.get_bool(lt::settings_pack::enable_dht));
  EXPECT_FALSE(pack.get_bool(lt::settings_pack::enable_lsd));
  EXPECT_FALSE(pack.get_bool(lt::settings_pack::enable_upnp));
  EXPECT_FALSE(pack.get_bool(lt::settings_pack::enable_natpmp));
  EXPECT_TRUE(pack.get_bool(lt::settings_pack::allow_multiple_connections_per_ip));
  EXPECT_EQ(pack.get_str(lt::settings_pack::listen_interfaces), "127.0.0.1:6881,[::1]:6881");
}

TEST(SessionSettings, OptionsReachSettings) {
  EngineOptions options;
  options.dht = true;
  options.lsd = true;
  options.upnp = true;
  options.natpmp = true;
  options.outgoing_utp = false;
  options.incoming_utp = false;
  const lt::settings_pack pack = make_session_settings(options);
  EXPECT_TRUE(pack.get_bool(lt::settings_pack::enable_dht));
  EXPECT_TRUE(pack.get_bool(lt::settings_pack::enable_lsd));
  EXPECT_TRUE(pack.get_bool(lt::settings_pack::enable_upnp));
  EXPECT_TRUE(pack.get_bool(lt::settings_pack::enable_natpmp));
  EXPECT_FALSE(pack.get_bool(lt::settings_pack::enable_outgoing_utp));
  EXPECT_FALSE(pack.get_bool(lt::settings_pack::enable_incoming_utp));
}

std::uint32_t classes_of(const lt::ip_filter& filter, const char* address) {
  return filter.access(lt::make_address(address));
}

TEST(SessionSettings, LocalPeersJoinGlobalClass) {
  const std::uint32_t global = 1u << static_cast<std::uint32_t>(lt::session::global_peer_class_id);
  const std::uint32_t local = 1u << static_cast<std::uint32_t>(lt::session::local_peer_class_id);
  EngineOptions options;
  ASSERT_TRUE(options.rate_limit_local_peers);
  const lt::ip_filter limited = make_peer_class_filter(options);
  for (const char* address : {"127.0.0.1", "10.1.2.3", "172.20.0.5", "192.168.1.9",
                              "169.254.3.3", "::1", "fe80::1", "fd00::7"}) {
    EXPECT_EQ(classes_of(limited, address), global | local) << address;
  }
  EXPECT_EQ(classes_of(limited, "203.0.113.9"), global);
  EXPECT_EQ(classes_of(limited, "172.32.0.1"), global);
  EXPECT_EQ(classes_of(limited, "2001:db8::1"), global);

  options.rate_limit_local_peers = false;
  const lt::ip_filter exempt = make_peer_class_filter(options);
  EXPECT_EQ(classes_of(exempt, "127.0.0.1"), local);
  EXPECT_EQ(classes_of(exempt, "::1"), local);
  EXPECT_EQ(classes_of(exempt, "192.168.1.9"), local);
  EXPECT_EQ(classes_of(exempt, "203.0.113.9"), global);
  EXPECT_EQ(classes_of(exempt, "2001:db8::1"), global);
}

}  // namespace
}  // namespace revaer
