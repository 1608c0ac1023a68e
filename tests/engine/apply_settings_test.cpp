// Engine::apply on a running session: engine_profile values read back from
// the live lt::session, not from the engine's own copy.

#include <gtest/gtest.h>
#include <libtorrent/address.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/settings_pack.hpp>
#include <nlohmann/json.hpp>

#include "engine/engine_profile.hpp"
#include "engine/libtorrent/session_settings.hpp"
#include "tests/engine/engine_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::testing {
namespace {

using Json = nlohmann::json;
using lt::settings_pack;

class ApplySettingsTest : public EngineFixture {
 protected:
  // The fixture's loopback options with `changes` merged into a profile.
  EngineOptions options_with(const Json& changes) {
    const EngineOptions base = loopback_options(downloads(), resume_dir());
    Json profile = {{"listen_interfaces", base.listen_interfaces},
                    {"listen_port", base.listen_port},
                    {"enable_outgoing_utp", base.outgoing_utp},
                    {"enable_incoming_utp", base.incoming_utp},
                    {"download_root", base.download_root},
                    {"resume_dir", base.resume_dir}};
    profile.update(changes);
    return engine_options_from_profile(profile);
  }
};

TEST_F(ApplySettingsTest, ProfileValuesReachLiveSession) {
  start_engine();
  engine_->apply(options_with({
      {"max_download_bps", 250000},
      {"max_upload_bps", 125000},
      {"connections_limit", 77},
      {"max_active", 3},
      {"encryption", "require"},
      {"seed_ratio_limit", 1.5},
      {"seed_time_limit", 3600},
      {"proxy",
       {{"type", "http"}, {"host", "proxy.invalid"}, {"port", 3128},
        {"proxy_peers", false}}},
      {"tracker",
       {{"announce_to_all_tiers", true}, {"user_agent", "Revaer-test/1"}}},
  }));

  const settings_pack live = engine_->session_settings();
  EXPECT_EQ(live.get_int(settings_pack::download_rate_limit), 250000);
  EXPECT_EQ(live.get_int(settings_pack::upload_rate_limit), 125000);
  EXPECT_EQ(live.get_int(settings_pack::connections_limit), 77);
  EXPECT_EQ(live.get_int(settings_pack::active_downloads), 3);
  EXPECT_EQ(live.get_int(settings_pack::active_limit), 3);
  EXPECT_EQ(live.get_int(settings_pack::out_enc_policy), settings_pack::pe_forced);
  EXPECT_EQ(live.get_int(settings_pack::in_enc_policy), settings_pack::pe_forced);
  EXPECT_EQ(live.get_int(settings_pack::share_ratio_limit), 150);
  EXPECT_EQ(live.get_int(settings_pack::seed_time_limit), 3600);
  EXPECT_EQ(live.get_int(settings_pack::proxy_type), settings_pack::http);
  EXPECT_EQ(live.get_str(settings_pack::proxy_hostname), "proxy.invalid");
  EXPECT_EQ(live.get_int(settings_pack::proxy_port), 3128);
  EXPECT_FALSE(live.get_bool(settings_pack::proxy_peer_connections));
  EXPECT_TRUE(live.get_bool(settings_pack::proxy_tracker_connections));
  EXPECT_TRUE(live.get_bool(settings_pack::announce_to_all_tiers));
  EXPECT_FALSE(live.get_bool(settings_pack::announce_to_all_trackers));
  EXPECT_EQ(live.get_str(settings_pack::user_agent), "Revaer-test/1");
  EXPECT_FALSE(live.get_bool(settings_pack::enable_dht));
}

TEST_F(ApplySettingsTest, AltSpeedReplacesRateCaps) {
  start_engine();
  engine_->apply(options_with(
      {{"max_download_bps", 900000},
       {"alt_speed",
        {{"enabled", true}, {"download_bps", 1000}, {"upload_bps", 2000}}}}));
  settings_pack live = engine_->session_settings();
  EXPECT_EQ(live.get_int(settings_pack::download_rate_limit), 1000);
  EXPECT_EQ(live.get_int(settings_pack::upload_rate_limit), 2000);

  engine_->apply(options_with(
      {{"max_download_bps", 900000},
       {"alt_speed",
        {{"enabled", false}, {"download_bps", 1000}, {"upload_bps", 2000}}}}));
  live = engine_->session_settings();
  EXPECT_EQ(live.get_int(settings_pack::download_rate_limit), 900000);
  EXPECT_EQ(live.get_int(settings_pack::upload_rate_limit), 0);
}

TEST_F(ApplySettingsTest, ClearedLimitsReturnToDefaults) {
  start_engine();
  const settings_pack defaults = lt::default_settings();
  engine_->apply(options_with({{"seed_ratio_limit", 4}, {"proxy",
      {{"type", "socks5"}, {"host", "h.invalid"}, {"port", 1080}}}}));
  engine_->apply(options_with({{"seed_ratio_limit", nullptr}, {"proxy", nullptr}}));
  const settings_pack live = engine_->session_settings();
  EXPECT_EQ(live.get_int(settings_pack::share_ratio_limit),
            defaults.get_int(settings_pack::share_ratio_limit));
  EXPECT_EQ(live.get_int(settings_pack::proxy_type), settings_pack::none);
}

TEST_F(ApplySettingsTest, ListenPortChangeRebinds) {
  start_engine();
  const int before = engine_->listen_port();
  const int wanted = test::free_port();
  engine_->apply(options_with({{"listen_port", wanted}}));
  EXPECT_EQ(engine_->listen_port(), wanted);
  EXPECT_NE(before, wanted);
  EXPECT_NE(engine_->session_settings()
                .get_str(settings_pack::listen_interfaces)
                .find(":" + std::to_string(wanted)),
            std::string::npos);
}

TEST_F(ApplySettingsTest, ApplyWhileStoppedDoesNothing) {
  EngineCallbacks callbacks;
  LibtorrentEngine engine(store_, callbacks);
  engine.apply(options_with({{"max_download_bps", 5}}));
  EXPECT_FALSE(engine.running());
  EXPECT_THROW(engine.session_settings(), std::logic_error);
}

TEST_F(ApplySettingsTest, RelativeDownloadRootIsRejected) {
  start_engine();
  EngineOptions options = options_with(Json::object());
  options.download_root = "relative";
  EXPECT_THROW(engine_->apply(options), std::invalid_argument);
}

TEST(IpFilter, BlocksConfiguredRanges) {
  EngineOptions options;
  options.blocked_cidrs = {"203.0.113.0/24", "2001:db8::/32", "198.51.100.7"};
  const lt::ip_filter filter = make_ip_filter(options);
  auto blocked = [&filter](const char* address) {
    return filter.access(lt::make_address(address)) == lt::ip_filter::blocked;
  };
  EXPECT_TRUE(blocked("203.0.113.0"));
  EXPECT_TRUE(blocked("203.0.113.255"));
  EXPECT_FALSE(blocked("203.0.114.0"));
  EXPECT_TRUE(blocked("2001:db8:ffff::1"));
  EXPECT_FALSE(blocked("2001:db9::1"));
  EXPECT_TRUE(blocked("198.51.100.7"));
  EXPECT_FALSE(blocked("198.51.100.8"));
  EXPECT_FALSE(blocked("127.0.0.1"));
}

TEST(EngineProfile, Ipv6DisabledDropsIpv6Interfaces) {
  const EngineOptions options = engine_options_from_profile(
      {{"listen_interfaces", {"127.0.0.1", "[::1]", "::"}},
       {"ipv6_mode", "disabled"}});
  EXPECT_EQ(options.listen_interfaces, std::vector<std::string>{"127.0.0.1"});
}

TEST(EngineProfile, DefaultListenInterfacesMarked) {
  const EngineOptions defaults =
      engine_options_from_profile({{"listen_interfaces", {"127.0.0.1", "[::1]"}}});
  EXPECT_TRUE(defaults.default_listen_interfaces);
  EXPECT_TRUE(engine_options_from_profile(Json::object()).default_listen_interfaces);

  const EngineOptions chosen =
      engine_options_from_profile({{"listen_interfaces", {"[::1]", "127.0.0.1"}}});
  EXPECT_FALSE(chosen.default_listen_interfaces);
  const EngineOptions v4_only =
      engine_options_from_profile({{"listen_interfaces", {"127.0.0.1"}}});
  EXPECT_FALSE(v4_only.default_listen_interfaces);
}

}  // namespace
}  // namespace revaer::testing
