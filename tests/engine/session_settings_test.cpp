#include "engine/libtorrent/session_settings.hpp"

#include <gtest/gtest.h>
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

}  // namespace
}  // namespace revaer
