// Every validation rule of a changeset. A bad value is rejected with 422
// and one invalid_params entry at the offending JSON Pointer, and the
// revision stays. Values at the edges of each range are accepted.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/config/config_fixture.hpp"

namespace revaer {
namespace {

using Json = nlohmann::json;

struct BadCase {
  Json changeset;
  std::string pointer;
};

std::string repeat(char c, std::size_t count) { return std::string(count, c); }

Json many(const Json& item, std::size_t count) {
  Json list = Json::array();
  for (std::size_t i = 0; i < count; ++i) {
    list.push_back(item);
  }
  return list;
}

// Returns `base` with the members of `extra` added or replaced.
Json with(Json base, const Json& extra) {
  base.update(extra);
  return base;
}

Json app(Json patch) { return {{"app_profile", std::move(patch)}}; }
Json engine(Json patch) { return {{"engine_profile", std::move(patch)}}; }
Json fs(Json patch) { return {{"fs_policy", std::move(patch)}}; }

const Json kProxy = {{"type", "socks5"}, {"host", "proxy.lan"}, {"port", 1080}};
const Json kAltSpeed = {{"enabled", false}, {"download_bps", 0}, {"upload_bps", 0}};
const Json kSchedule = {
    {"enabled", true}, {"from", "22:00"}, {"to", "06:30"}, {"days", "weekdays"}};

// An engine_profile change whose alt_speed has kSchedule with `members`
// replaced.
Json schedule_change(const Json& members) {
  return engine({{"alt_speed", with(kAltSpeed, {{"schedule", with(kSchedule, members)}})}});
}

std::vector<BadCase> app_profile_cases() {
  return {
      {app({{"instance_name", ""}}), "/app_profile/instance_name"},
      {app({{"instance_name", repeat('a', 65)}}), "/app_profile/instance_name"},
      {app({{"instance_name", 5}}), "/app_profile/instance_name"},
      {app({{"mode", "paused"}}), "/app_profile/mode"},
      {app({{"mode", "active"}}), "/app_profile/mode"},
      {app({{"auth_mode", "password"}}), "/app_profile/auth_mode"},
      {app({{"bind_addr", "localhost"}}), "/app_profile/bind_addr"},
      {app({{"bind_addr", 1}}), "/app_profile/bind_addr"},
      {app({{"http_port", 65536}}), "/app_profile/http_port"},
      {app({{"http_port", -1}}), "/app_profile/http_port"},
      {app({{"http_port", "80"}}), "/app_profile/http_port"},
      {app({{"local_networks", "10.0.0.0/8"}}), "/app_profile/local_networks"},
      {app({{"local_networks", {"10.0.0.0/33"}}}),
       "/app_profile/local_networks/0"},
      {app({{"local_networks", {"::1/129"}}}), "/app_profile/local_networks/0"},
      {app({{"local_networks", {"10.0.0/8"}}}), "/app_profile/local_networks/0"},
      {app({{"local_networks", many("10.0.0.0/8", 257)}}),
       "/app_profile/local_networks"},
      {app({{"allowed_hosts", {""}}}), "/app_profile/allowed_hosts/0"},
      {app({{"allowed_hosts", {5}}}), "/app_profile/allowed_hosts/0"},
      {app({{"allowed_hosts", {"a b"}}}), "/app_profile/allowed_hosts/0"},
      {app({{"allowed_hosts", {"host:8080x/"}}}), "/app_profile/allowed_hosts/0"},
      {app({{"allowed_hosts", {std::string(254, 'h')}}}), "/app_profile/allowed_hosts/0"},
      {app({{"telemetry", "info"}}), "/app_profile/telemetry"},
      {app({{"telemetry", {{"level", "verbose"}}}}),
       "/app_profile/telemetry/level"},
      {app({{"telemetry", {{"format", "xml"}}}}),
       "/app_profile/telemetry/format"},
      {app({{"telemetry", {{"colour", true}}}}),
       "/app_profile/telemetry/colour"},
      {app({{"label_policies", {{{"download_dir", "/x"}}}}}),
       "/app_profile/label_policies/0/label"},
      {app({{"label_policies", {{{"label", "tv"}, {"download_dir", "tv"}}}}}),
       "/app_profile/label_policies/0/download_dir"},
      {app({{"label_policies",
             {{{"label", "tv"}, {"max_download_bps", -1}}}}}),
       "/app_profile/label_policies/0/max_download_bps"},
      {app({{"label_policies",
             {{{"label", "tv"}, {"max_upload_bps", "fast"}}}}}),
       "/app_profile/label_policies/0/max_upload_bps"},
      {app({{"label_policies", {{{"label", "tv"}, {"bogus", 1}}}}}),
       "/app_profile/label_policies/0/bogus"},
      {app({{"label_policies", {"tv"}}}), "/app_profile/label_policies/0"},
      {app({{"immutable_keys", {"engine_profile/listen_port"}}}),
       "/app_profile/immutable_keys/0"},
      {app({{"immutable_keys", {"/unknown/field"}}}),
       "/app_profile/immutable_keys/0"},
      {app({{"immutable_keys", {"/fs_policyx"}}}),
       "/app_profile/immutable_keys/0"},
      {app({{"bogus", 1}}), "/app_profile/bogus"},
  };
}

std::vector<BadCase> engine_profile_cases() {
  std::vector<BadCase> cases = {
      {engine({{"listen_port", 65536}}), "/engine_profile/listen_port"},
      {engine({{"listen_port", -1}}), "/engine_profile/listen_port"},
      {engine({{"listen_port", 1.5}}), "/engine_profile/listen_port"},
      {engine({{"listen_port", "6881"}}), "/engine_profile/listen_port"},
      {engine({{"listen_interfaces", "127.0.0.1"}}),
       "/engine_profile/listen_interfaces"},
      {engine({{"listen_interfaces", {"eth0"}}}),
       "/engine_profile/listen_interfaces/0"},
      {engine({{"listen_interfaces", many("127.0.0.1", 17)}}),
       "/engine_profile/listen_interfaces"},
      {engine({{"ipv6_mode", "only"}}), "/engine_profile/ipv6_mode"},
      {engine({{"encryption", "always"}}), "/engine_profile/encryption"},
      {engine({{"proxy", "socks5://proxy.lan"}}), "/engine_profile/proxy"},
      {engine({{"proxy", {{"type", "socks5"}, {"host", "h"}}}}),
       "/engine_profile/proxy/port"},
      {engine({{"proxy", {{"type", "ftp"}, {"host", "h"}, {"port", 1}}}}),
       "/engine_profile/proxy/type"},
      {engine({{"proxy", {{"type", "http"}, {"host", ""}, {"port", 1}}}}),
       "/engine_profile/proxy/host"},
      {engine({{"proxy", {{"type", "http"}, {"host", "h"}, {"port", 0}}}}),
       "/engine_profile/proxy/port"},
      {engine({{"proxy", {{"type", "http"}, {"host", "h"}, {"port", 65536}}}}),
       "/engine_profile/proxy/port"},
      {engine({{"proxy", with(kProxy, {{"proxy_peers", "yes"}})}}),
       "/engine_profile/proxy/proxy_peers"},
      {engine({{"proxy", with(kProxy, {{"proxy_trackers", 1}})}}),
       "/engine_profile/proxy/proxy_trackers"},
      {engine({{"proxy", with(kProxy, {{"password", "x"}})}}),
       "/engine_profile/proxy/password"},
      {engine({{"max_active", -2}}), "/engine_profile/max_active"},
      {engine({{"max_active", 100001}}), "/engine_profile/max_active"},
      {engine({{"max_download_bps", -1}}), "/engine_profile/max_download_bps"},
      {engine({{"max_download_bps", 2147483648LL}}),
       "/engine_profile/max_download_bps"},
      {engine({{"max_upload_bps", -1}}), "/engine_profile/max_upload_bps"},
      {engine({{"max_upload_bps", "1M"}}), "/engine_profile/max_upload_bps"},
      {engine({{"alt_speed", 5}}), "/engine_profile/alt_speed"},
      {engine({{"alt_speed", {{"enabled", true}, {"download_bps", 1}}}}),
       "/engine_profile/alt_speed/upload_bps"},
      {engine({{"alt_speed",
                {{"enabled", "yes"}, {"download_bps", 1}, {"upload_bps", 1}}}}),
       "/engine_profile/alt_speed/enabled"},
      {engine({{"alt_speed",
                {{"enabled", true}, {"download_bps", -1}, {"upload_bps", 1}}}}),
       "/engine_profile/alt_speed/download_bps"},
      {engine({{"alt_speed", with(kAltSpeed, {{"schedule", 1}})}}),
       "/engine_profile/alt_speed/schedule"},
      {schedule_change({{"from", "24:00"}}), "/engine_profile/alt_speed/schedule/from"},
      {schedule_change({{"to", "7:30"}}), "/engine_profile/alt_speed/schedule/to"},
      {schedule_change({{"to", "07:60"}}), "/engine_profile/alt_speed/schedule/to"},
      {schedule_change({{"days", "daily"}}), "/engine_profile/alt_speed/schedule/days"},
      {schedule_change({{"days", {"mon", "mon"}}}), "/engine_profile/alt_speed/schedule/days"},
      {schedule_change({{"days", Json::array()}}), "/engine_profile/alt_speed/schedule/days"},
      {schedule_change({{"enabled", "yes"}}), "/engine_profile/alt_speed/schedule/enabled"},
      {engine({{"alt_speed",
                with(kAltSpeed, {{"schedule", {{"enabled", true}, {"from", "01:00"},
                                               {"days", "every"}}}})}}),
       "/engine_profile/alt_speed/schedule/to"},
      {engine({{"rate_limit_local_peers", "yes"}}), "/engine_profile/rate_limit_local_peers"},
      {engine({{"seed_ratio_limit", -0.5}}), "/engine_profile/seed_ratio_limit"},
      {engine({{"seed_ratio_limit", "2"}}), "/engine_profile/seed_ratio_limit"},
      {engine({{"seed_time_limit", -1}}), "/engine_profile/seed_time_limit"},
      {engine({{"seed_time_limit", 1.5}}), "/engine_profile/seed_time_limit"},
      {engine({{"connections_limit", 0}}), "/engine_profile/connections_limit"},
      {engine({{"connections_limit", 65536}}),
       "/engine_profile/connections_limit"},
      {engine({{"connections_limit_per_torrent", 0}}),
       "/engine_profile/connections_limit_per_torrent"},
      {engine({{"connections_limit_per_torrent", 65536}}),
       "/engine_profile/connections_limit_per_torrent"},
      {engine({{"download_root", "relative/path"}}),
       "/engine_profile/download_root"},
      {engine({{"download_root", ""}}), "/engine_profile/download_root"},
      {engine({{"download_root", "/" + repeat('a', 4096)}}),
       "/engine_profile/download_root"},
      {engine({{"resume_dir", 5}}), "/engine_profile/resume_dir"},
      {engine({{"storage_mode", "full"}}), "/engine_profile/storage_mode"},
      {engine({{"ip_filter", Json::object()}}),
       "/engine_profile/ip_filter/blocked"},
      {engine({{"ip_filter", {{"blocked", {"300.0.0.1"}}}}}),
       "/engine_profile/ip_filter/blocked/0"},
      {engine({{"ip_filter", {{"blocked", many("10.0.0.0/8", 4097)}}}}),
       "/engine_profile/ip_filter/blocked"},
      {engine({{"tracker", {{"announce_to_all_trackers", 1}}}}),
       "/engine_profile/tracker/announce_to_all_trackers"},
      {engine({{"tracker", {{"announce_to_all_tiers", "no"}}}}),
       "/engine_profile/tracker/announce_to_all_tiers"},
      {engine({{"tracker", {{"user_agent", ""}}}}),
       "/engine_profile/tracker/user_agent"},
      {engine({{"tracker", {{"bogus", 1}}}}), "/engine_profile/tracker/bogus"},
      {engine({{"bogus", 1}}), "/engine_profile/bogus"},
  };
  for (const char* flag :
       {"dht", "enable_lsd", "enable_upnp", "enable_natpmp", "enable_pex",
        "enable_outgoing_utp", "enable_incoming_utp", "sequential_default"}) {
    cases.push_back({engine({{flag, "yes"}}),
                     std::string("/engine_profile/") + flag});
    cases.push_back({engine({{flag, 1}}), std::string("/engine_profile/") + flag});
  }
  return cases;
}

std::vector<BadCase> fs_policy_cases() {
  return {
      {fs({{"library_root", "library"}}), "/fs_policy/library_root"},
      {fs({{"extract", "true"}}), "/fs_policy/extract"},
      {fs({{"par2", "fix"}}), "/fs_policy/par2"},
      {fs({{"flatten", 0}}), "/fs_policy/flatten"},
      {fs({{"move_mode", "teleport"}}), "/fs_policy/move_mode"},
      {fs({{"cleanup_keep", "*.nfo"}}), "/fs_policy/cleanup_keep"},
      {fs({{"cleanup_keep", {""}}}), "/fs_policy/cleanup_keep/0"},
      {fs({{"cleanup_drop", {1}}}), "/fs_policy/cleanup_drop/0"},
      {fs({{"cleanup_drop", {repeat('*', 257)}}}), "/fs_policy/cleanup_drop/0"},
      {fs({{"chmod_file", "0999"}}), "/fs_policy/chmod_file"},
      {fs({{"chmod_file", 644}}), "/fs_policy/chmod_file"},
      {fs({{"chmod_file", "07777"}}), "/fs_policy/chmod_file"},
      {fs({{"chmod_dir", "rwx"}}), "/fs_policy/chmod_dir"},
      {fs({{"owner", ""}}), "/fs_policy/owner"},
      {fs({{"owner", 1000}}), "/fs_policy/owner"},
      {fs({{"group", repeat('g', 65)}}), "/fs_policy/group"},
      {fs({{"umask", "8"}}), "/fs_policy/umask"},
      {fs({{"allow_paths", {"relative"}}}), "/fs_policy/allow_paths/0"},
      {fs({{"allow_paths", "/data"}}), "/fs_policy/allow_paths"},
      {fs({{"bogus", 1}}), "/fs_policy/bogus"},
  };
}

std::vector<BadCase> operation_cases() {
  const Json key = {{"op", "upsert"}, {"key_id", "sonarr"}};
  return {
      {{{"unknown_section", Json::object()}}, "/unknown_section"},
      {{{"engine_profile", Json::array()}}, "/engine_profile"},
      {Json::array(), ""},
      {{{"api_keys", Json::object()}}, "/api_keys"},
      {{{"api_keys", many(key, 65)}}, "/api_keys"},
      {{{"api_keys", {"sonarr"}}}, "/api_keys/0"},
      {{{"api_keys", {with(key, {{"op", "rotate"}})}}}, "/api_keys/0/op"},
      {{{"api_keys", {with(key, {{"key_id", "bad id!"}})}}},
       "/api_keys/0/key_id"},
      {{{"api_keys", {with(key, {{"key_id", repeat('k', 65)}})}}},
       "/api_keys/0/key_id"},
      {{{"api_keys", {with(key, {{"scope", "root"}})}}},
       "/api_keys/0/scope"},
      {{{"api_keys", {with(key, {{"secret", "short"}})}}},
       "/api_keys/0/secret"},
      {{{"api_keys", {with(key, {{"label", repeat('l', 129)}})}}},
       "/api_keys/0/label"},
      {{{"api_keys", {with(key, {{"enabled", "yes"}})}}},
       "/api_keys/0/enabled"},
      {{{"api_keys",
         {with(key, {{"rate_limit", {{"burst", 0}, {"per_seconds", 1}}}})}}},
       "/api_keys/0/rate_limit"},
      {{{"api_keys", {with(key, {{"rate_limit", {{"burst", 5}}}})}}},
       "/api_keys/0/rate_limit"},
      {{{"api_keys",
         {with(key, {{"rate_limit", {{"burst", 3}, {"per_seconds", 1e308}}}})}}},
       "/api_keys/0/rate_limit"},
      {{{"api_keys",
         {with(key, {{"rate_limit", {{"burst", 3}, {"per_seconds", 1e-300}}}})}}},
       "/api_keys/0/rate_limit"},
      {{{"api_keys",
         {with(key,
               {{"rate_limit", {{"burst", 1000001}, {"per_seconds", 1}}}})}}},
       "/api_keys/0/rate_limit"},
      {{{"api_keys", {with(key, {{"colour", "red"}})}}},
       "/api_keys/0/colour"},
      {{{"secrets", "x"}}, "/secrets"},
      {{{"secrets", {{{"op", "get"}, {"name", "n"}}}}}, "/secrets/0/op"},
      {{{"secrets", {{{"op", "set"}, {"name", ""}, {"value", "v"}}}}},
       "/secrets/0/name"},
      {{{"secrets", {{{"op", "set"}, {"name", "n"}}}}}, "/secrets/0/value"},
  };
}

class ValidationTest : public test::ConfigTest {
 protected:
  void expect_rejected(const std::vector<BadCase>& cases) {
    for (const BadCase& bad : cases) {
      const std::int64_t before = revision();
      auto result = config_.apply_changeset(bad.changeset, "tester");
      ASSERT_FALSE(result.ok()) << bad.changeset.dump();
      EXPECT_EQ(result.problem().status, 422) << bad.changeset.dump();
      EXPECT_EQ(test::pointers(result.problem()),
                std::vector<std::string>{bad.pointer})
          << bad.changeset.dump();
      EXPECT_EQ(revision(), before) << bad.changeset.dump();
    }
  }
};

TEST_F(ValidationTest, AppProfileRules) { expect_rejected(app_profile_cases()); }

TEST_F(ValidationTest, EngineProfileRules) {
  expect_rejected(engine_profile_cases());
}

TEST_F(ValidationTest, FsPolicyRules) { expect_rejected(fs_policy_cases()); }

TEST_F(ValidationTest, KeyAndSecretRules) { expect_rejected(operation_cases()); }

TEST_F(ValidationTest, EdgeValuesAreAccepted) {
  const std::vector<Json> edges = {
      app({{"instance_name", repeat('a', 64)}, {"http_port", 0}}),
      app({{"http_port", 65535}, {"bind_addr", "[::1]"}}),
      app({{"local_networks", {"10.0.0.0/8", "fd00::/8", "192.168.1.7"}}}),
      app({{"telemetry", {{"level", "trace"}, {"format", "json"}}}}),
      app({{"label_policies",
            {{{"label", "tv"}, {"download_dir", nullptr},
              {"max_download_bps", 0}}}}}),
      engine({{"listen_port", 0}, {"max_active", -1}}),
      engine({{"listen_port", 65535}, {"max_active", 100000}}),
      engine({{"max_download_bps", 2147483647}, {"max_upload_bps", 0}}),
      engine({{"connections_limit", 1}, {"connections_limit_per_torrent", 65535}}),
      engine({{"seed_ratio_limit", 0}, {"seed_time_limit", 0}}),
      engine({{"seed_ratio_limit", 2.5}, {"seed_time_limit", nullptr}}),
      engine({{"proxy", with(kProxy, {{"proxy_peers", nullptr}})}}),
      engine({{"alt_speed",
               {{"enabled", false}, {"download_bps", 0}, {"upload_bps", 0}}}}),
      engine({{"alt_speed", with(kAltSpeed, {{"schedule", kSchedule}})}}),
      schedule_change({{"from", "00:00"}, {"to", "23:59"}, {"days", {"sun", "mon"}}}),
      engine({{"alt_speed", with(kAltSpeed, {{"schedule", nullptr}})}}),
      engine({{"rate_limit_local_peers", false}}),
      engine({{"ip_filter", {{"blocked", {"203.0.113.0/24", "2001:db8::/32"}}}}}),
      engine({{"tracker", {{"user_agent", "r"}}}}),
      fs({{"chmod_file", "0644"}, {"chmod_dir", "755"}, {"umask", "0"}}),
      fs({{"owner", "media"}, {"group", nullptr}, {"allow_paths", {"/srv"}}}),
      // Last: it locks what it names.
      app({{"immutable_keys", {"/engine_profile/proxy/host", "/api_keys"}}}),
  };
  for (const Json& changeset : edges) {
    const std::int64_t before = revision();
    auto result = config_.apply_changeset(changeset, "tester");
    ASSERT_TRUE(result.ok()) << changeset.dump() << ": "
                             << result.problem().invalid_params.size() << " "
                             << (result.problem().invalid_params.empty()
                                     ? ""
                                     : result.problem().invalid_params[0].pointer);
    EXPECT_EQ(revision(), before + 1) << changeset.dump();
  }
}

TEST_F(ValidationTest, EveryOffendingFieldIsListed) {
  const Json changeset = {
      {"app_profile", {{"http_port", -1}}},
      {"engine_profile",
       {{"listen_port", 70000}, {"dht", "on"}, {"alt_speed", {{"x", 1}}}}},
      {"fs_policy", {{"par2", "fix"}}}};
  auto result = config_.apply_changeset(changeset, "tester");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(test::pointers(result.problem()),
            (std::vector<std::string>{
                "/app_profile/http_port", "/engine_profile/alt_speed/x",
                "/engine_profile/alt_speed/enabled",
                "/engine_profile/alt_speed/download_bps",
                "/engine_profile/alt_speed/upload_bps", "/engine_profile/dht",
                "/engine_profile/listen_port", "/fs_policy/par2"}));
  EXPECT_EQ(config_.snapshot()->app_profile["http_port"], 7070);
}

}  // namespace
}  // namespace revaer
