#include "config/config_service.hpp"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

using Json = nlohmann::json;

class ConfigServiceTest : public ::testing::Test {
 protected:
  ConfigServiceTest()
      : store_(SqliteStore::open((dir_.path() / "revaer.db").string())),
        config_(*store_, ConfigDefaults{"/data/downloads", "/data/resume",
                                        "/data/library"}) {
    config_.load();
  }

  std::string start_setup() {
    auto ticket = config_.start_setup("test", std::nullopt);
    EXPECT_TRUE(ticket.ok());
    return ticket.value().token;
  }

  test::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  ConfigService config_;
};

std::vector<std::string> pointers(const Problem& problem) {
  std::vector<std::string> result;
  for (const InvalidParam& param : problem.invalid_params) {
    result.push_back(param.pointer);
  }
  return result;
}

TEST_F(ConfigServiceTest, NewInstallHasSafeDefaults) {
  const auto snapshot = config_.snapshot();
  EXPECT_FALSE(snapshot->is_active());
  EXPECT_EQ(snapshot->revision, 1);
  EXPECT_EQ(snapshot->app_profile["bind_addr"], "127.0.0.1");
  EXPECT_EQ(snapshot->engine_profile["dht"], false);
  EXPECT_EQ(snapshot->engine_profile["enable_upnp"], false);
  EXPECT_EQ(snapshot->engine_profile["download_root"], "/data/downloads");
  EXPECT_EQ(snapshot->fs_policy["library_root"], "/data/library");
}

TEST_F(ConfigServiceTest, SetupCompletesOnceAndIssuesWorkingKey) {
  const std::string token = start_setup();
  auto done = config_.complete_setup(
      token, {{"engine_profile", {{"listen_port", 0}}}});
  ASSERT_TRUE(done.ok()) << done.problem().detail;
  EXPECT_TRUE(config_.snapshot()->is_active());
  EXPECT_EQ(config_.snapshot()->engine_profile["listen_port"], 0);

  const std::string credential = done.value().api_key;
  const auto key = config_.authenticate(credential);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->scope, "admin");
  EXPECT_FALSE(config_.authenticate(credential + "x").has_value());
  EXPECT_EQ(done.value().snapshot.dump().find(credential.substr(
                credential.find(':') + 1)),
            std::string::npos);

  auto again = config_.complete_setup(token, Json::object());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.problem().status, 409);
}

TEST_F(ConfigServiceTest, WrongTokenIsUnauthorized) {
  start_setup();
  auto done = config_.complete_setup("not-the-token", Json::object());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.problem().status, 401);
  EXPECT_FALSE(config_.snapshot()->is_active());
}

TEST_F(ConfigServiceTest, NewStartInvalidatesOldToken) {
  const std::string first = start_setup();
  start_setup();
  auto done = config_.complete_setup(first, Json::object());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.problem().status, 401);
}

TEST_F(ConfigServiceTest, ExpiredTokenIsUnauthorized) {
  auto ticket = config_.start_setup("test", 1);
  ASSERT_TRUE(ticket.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto done = config_.complete_setup(ticket.value().token, Json::object());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.problem().status, 401);
}

TEST_F(ConfigServiceTest, InvalidChangesetRejectedWhole) {
  const std::string token = start_setup();
  const Json changeset = {
      {"engine_profile", {{"listen_port", 70000}, {"bogus", 1}}},
      {"fs_policy", {{"move_mode", "teleport"}, {"extract", true}}},
      {"unknown_section", Json::object()}};
  auto done = config_.complete_setup(token, changeset);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.problem().status, 422);
  const auto found = pointers(done.problem());
  EXPECT_NE(std::find(found.begin(), found.end(), "/engine_profile/listen_port"),
            found.end());
  EXPECT_NE(std::find(found.begin(), found.end(), "/engine_profile/bogus"),
            found.end());
  EXPECT_NE(std::find(found.begin(), found.end(), "/fs_policy/move_mode"),
            found.end());
  EXPECT_NE(std::find(found.begin(), found.end(), "/unknown_section"),
            found.end());
  EXPECT_EQ(found.size(), 4u);
  EXPECT_FALSE(config_.snapshot()->is_active());
  EXPECT_EQ(config_.snapshot()->fs_policy["extract"], false);
}

TEST_F(ConfigServiceTest, ChangesetBumpsRevisionOnce) {
  const std::int64_t before = config_.snapshot()->revision;
  auto result = config_.apply_changeset(
      {{"engine_profile", {{"max_active", 3}}},
       {"fs_policy", {{"extract", true}}}},
      "tester");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(config_.snapshot()->revision, before + 1);
  EXPECT_EQ(result.value()["revision"], before + 1);
  EXPECT_EQ(config_.snapshot()->engine_profile["max_active"], 3);
  EXPECT_EQ(config_.snapshot()->engine_profile["dht"], false);  // kept
}

TEST_F(ConfigServiceTest, ImmutableKeysRejectWrites) {
  ASSERT_TRUE(config_
                  .apply_changeset({{"app_profile",
                                     {{"immutable_keys",
                                       {"/engine_profile/download_root"}}}}},
                                   "tester")
                  .ok());
  auto result = config_.apply_changeset(
      {{"engine_profile", {{"download_root", "/elsewhere"}}}}, "tester");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.problem().status, 422);
  EXPECT_EQ(pointers(result.problem()),
            std::vector<std::string>{"/engine_profile/download_root"});
}

TEST_F(ConfigServiceTest, GeneratedKeySecretIsReturnedOnce) {
  auto result = config_.apply_changeset(
      {{"api_keys", {{{"op", "upsert"}, {"key_id", "sonarr"},
                      {"scope", "add_only"}}}}},
      "tester");
  ASSERT_TRUE(result.ok());
  ASSERT_TRUE(result.value().contains("issued_api_keys"));
  const std::string credential = result.value()["issued_api_keys"][0];
  const auto key = config_.authenticate(credential);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->key_id, "sonarr");
  EXPECT_EQ(key->scope, "add_only");
  EXPECT_EQ(config_.snapshot()->to_public_json().dump().find("secret"),
            std::string::npos);
}

TEST_F(ConfigServiceTest, MalformedCredentialIsRejected) {
  EXPECT_FALSE(config_.authenticate("").has_value());
  EXPECT_FALSE(config_.authenticate("no-colon").has_value());
  EXPECT_FALSE(config_.authenticate(":").has_value());
}


TEST_F(ConfigServiceTest, StaleIfMatchIsRejected) {
  const std::int64_t before = config_.snapshot()->revision;
  auto result = config_.apply_changeset(
      {{"engine_profile", {{"max_active", 3}}}}, "tester", before - 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.problem().status, 412);
  EXPECT_EQ(result.problem().extensions["revision"], before);
  EXPECT_EQ(config_.snapshot()->revision, before);
  EXPECT_EQ(config_.snapshot()->engine_profile["max_active"], 8);
}

TEST_F(ConfigServiceTest, CurrentIfMatchCommits) {
  const std::int64_t before = config_.snapshot()->revision;
  auto result = config_.apply_changeset(
      {{"engine_profile", {{"max_active", 3}}}}, "tester", before);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(config_.snapshot()->revision, before + 1);
}

TEST_F(ConfigServiceTest, EmptyChangesetKeepsRevision) {
  const std::int64_t before = config_.snapshot()->revision;
  ASSERT_TRUE(config_.apply_changeset(Json::object(), "tester").ok());
  EXPECT_EQ(config_.snapshot()->revision, before);
}

TEST_F(ConfigServiceTest, HistoryHasOneRowPerCommitWithoutSecrets) {
  const std::string secret_value = "proxy-password-do-not-log";
  const std::string key_secret(40, 'k');
  ASSERT_TRUE(config_
                  .apply_changeset(
                      {{"engine_profile", {{"max_active", 3}}},
                       {"secrets", {{{"op", "set"},
                                     {"name", "proxy_password"},
                                     {"value", secret_value}}}},
                       {"api_keys", {{{"op", "upsert"},
                                      {"key_id", "sonarr"},
                                      {"secret", key_secret}}}}},
                      "admin-key")
                  .ok());
  const auto history = config_.history(0, 100);
  ASSERT_EQ(history.size(), 2u);  // the defaults, then this commit
  EXPECT_EQ(history[0].actor, "defaults");
  EXPECT_EQ(history[1].revision, config_.snapshot()->revision);
  EXPECT_EQ(history[1].actor, "admin-key");
  EXPECT_EQ(history[1].sections,
            (std::vector<std::string>{"engine_profile", "api_keys", "secrets"}));
  EXPECT_GT(history[1].at_ms, 0);
  EXPECT_EQ(config_.snapshot()->committed_at_ms, history[1].at_ms);

  const std::string shown = config_.snapshot()->to_public_json().dump();
  EXPECT_EQ(shown.find(secret_value), std::string::npos);
  EXPECT_EQ(shown.find(key_secret), std::string::npos);
  store_->transact([&](StoreTransaction& tx) {
    EXPECT_EQ(tx.secret("proxy_password"), secret_value);
  });
}

TEST_F(ConfigServiceTest, NestedPatchKeepsSiblings) {
  ASSERT_TRUE(config_
                  .apply_changeset(
                      {{"app_profile", {{"telemetry", {{"level", "debug"}}}}}},
                      "tester")
                  .ok());
  const Json telemetry = config_.snapshot()->app_profile["telemetry"];
  EXPECT_EQ(telemetry["level"], "debug");
  EXPECT_EQ(telemetry["format"], "text");
}

TEST_F(ConfigServiceTest, NullResetsNestedObject) {
  const Json proxy = {{"type", "socks5"}, {"host", "proxy.lan"}, {"port", 1080}};
  ASSERT_TRUE(
      config_.apply_changeset({{"engine_profile", {{"proxy", proxy}}}}, "t")
          .ok());
  ASSERT_TRUE(config_
                  .apply_changeset(
                      {{"engine_profile", {{"proxy", {{"port", 1081}}}}}}, "t")
                  .ok());
  EXPECT_EQ(config_.snapshot()->engine_profile["proxy"]["host"], "proxy.lan");
  EXPECT_EQ(config_.snapshot()->engine_profile["proxy"]["port"], 1081);

  ASSERT_TRUE(
      config_.apply_changeset({{"engine_profile", {{"proxy", nullptr}}}}, "t")
          .ok());
  ASSERT_TRUE(config_.snapshot()->engine_profile.contains("proxy"));
  EXPECT_TRUE(config_.snapshot()->engine_profile["proxy"].is_null());
}

TEST_F(ConfigServiceTest, ImmutableNestedKeyBlocksParentWrite) {
  const Json proxy = {{"type", "socks5"}, {"host", "proxy.lan"}, {"port", 1080}};
  ASSERT_TRUE(config_
                  .apply_changeset(
                      {{"engine_profile", {{"proxy", proxy}}},
                       {"app_profile",
                        {{"immutable_keys", {"/engine_profile/proxy/host"}}}}},
                      "t")
                  .ok());
  const std::int64_t before = config_.snapshot()->revision;

  Json moved = proxy;
  moved["host"] = "elsewhere.lan";
  auto rejected =
      config_.apply_changeset({{"engine_profile", {{"proxy", moved}}}}, "t");
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.problem().status, 422);
  EXPECT_EQ(pointers(rejected.problem()),
            std::vector<std::string>{"/engine_profile/proxy/host"});
  auto cleared =
      config_.apply_changeset({{"engine_profile", {{"proxy", nullptr}}}}, "t");
  ASSERT_FALSE(cleared.ok());
  EXPECT_EQ(config_.snapshot()->revision, before);

  // The same host with another port changes nothing immutable.
  ASSERT_TRUE(config_
                  .apply_changeset(
                      {{"engine_profile", {{"proxy", {{"port", 1081}}}}}}, "t")
                  .ok());
}

TEST_F(ConfigServiceTest, ImmutableKeyAcceptsUnchangedValue) {
  ASSERT_TRUE(config_
                  .apply_changeset({{"app_profile",
                                     {{"immutable_keys",
                                       {"/engine_profile/download_root"}}}}},
                                   "t")
                  .ok());
  EXPECT_TRUE(config_
                  .apply_changeset(
                      {{"engine_profile",
                        {{"download_root", "/data/downloads"}, {"max_active", 2}}}},
                      "t")
                  .ok());
}

TEST_F(ConfigServiceTest, ImmutableKeyProtectsApiKey) {
  ASSERT_TRUE(config_
                  .apply_changeset(
                      {{"app_profile", {{"immutable_keys", {"/api_keys/admin"}}}}},
                      "t")
                  .ok());
  auto rejected = config_.apply_changeset(
      {{"api_keys",
        {{{"op", "upsert"}, {"key_id", "sonarr"}},
         {{"op", "delete"}, {"key_id", "admin"}}}}},
      "t");
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(pointers(rejected.problem()),
            std::vector<std::string>{"/api_keys/1"});
  EXPECT_TRUE(config_
                  .apply_changeset(
                      {{"api_keys", {{{"op", "upsert"}, {"key_id", "sonarr"}}}}},
                      "t")
                  .ok());
}

TEST_F(ConfigServiceTest, ModeMayBeResentUnchanged) {
  auto done = config_.complete_setup(start_setup(), Json::object());
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(
      config_.apply_changeset({{"app_profile", {{"mode", "active"}}}}, "t").ok());
  auto back = config_.apply_changeset({{"app_profile", {{"mode", "setup"}}}}, "t");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(pointers(back.problem()),
            std::vector<std::string>{"/app_profile/mode"});

  auto again = config_.start_setup("test", std::nullopt);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.problem().status, 409);
}

TEST_F(ConfigServiceTest, WrongTokenIsCheckedBeforeChangeset) {
  start_setup();
  auto done = config_.complete_setup(
      "not-the-token", {{"engine_profile", {{"listen_port", -1}}}});
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.problem().status, 401);
}

TEST_F(ConfigServiceTest, ReloadLoadsCommitsMadeElsewhere) {
  auto other_store = SqliteStore::open((dir_.path() / "revaer.db").string());
  ConfigService other(*other_store, ConfigDefaults{"/x", "/y", "/z"});
  other.load();
  ASSERT_TRUE(
      other.apply_changeset({{"fs_policy", {{"extract", true}}}}, "other").ok());

  EXPECT_EQ(config_.snapshot()->fs_policy["extract"], false);
  EXPECT_TRUE(config_.reload());
  EXPECT_EQ(config_.snapshot()->fs_policy["extract"], true);
  EXPECT_EQ(config_.snapshot()->revision, other.snapshot()->revision);
  EXPECT_FALSE(config_.reload());
}

TEST_F(ConfigServiceTest, CommitHookSeesEachCommit) {
  std::vector<std::int64_t> seen;
  config_.set_commit_hook([&seen](std::int64_t revision) {
    seen.push_back(revision);
  });
  ASSERT_TRUE(
      config_.apply_changeset({{"fs_policy", {{"extract", true}}}}, "t").ok());
  EXPECT_FALSE(
      config_.apply_changeset({{"fs_policy", {{"extract", 1}}}}, "t").ok());
  ASSERT_TRUE(config_.complete_setup(start_setup(), Json::object()).ok());
  EXPECT_EQ(seen, (std::vector<std::int64_t>{2, 3}));
  config_.set_commit_hook(nullptr);
}

}  // namespace
}  // namespace revaer
