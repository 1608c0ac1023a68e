// Drives config, settings, keys and health through the built revaer
// binary against a real revaerd on loopback.

#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cli_run.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class CliAdminE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs");
    daemon_->complete_setup(loopback_changeset());
  }

  // Runs revaer with the admin key (or `key` when given).
  CliRun run(const std::vector<std::string>& args, const std::string& input = {},
             const std::string& key = {}) const {
    std::vector<std::string> full = {"--api-url", daemon_->api_url(), "--api-key",
                                     key.empty() ? daemon_->api_key() : key};
    full.insert(full.end(), args.begin(), args.end());
    return run_revaer_cli(full, {}, input);
  }

  std::string write_changeset(const std::string& name, const json& changeset) const {
    const auto path = dir_ / name;
    write_file_bytes(path, changeset.dump());
    return path.string();
  }

  TempDir dir_{"revaer-e2e-cli-admin"};
  std::unique_ptr<RevaerDaemon> daemon_;
};

// Returns the key_id:secret the CLI printed on its "API key:" line.
std::string printed_key(const std::string& out) {
  std::smatch match;
  const std::regex pattern("API key: (\\S+)");
  return std::regex_search(out, match, pattern) ? match[1].str() : "";
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(CliAdminE2e, ConfigGetSetAndIfMatch) {
  const auto secret = daemon_->api_key().substr(daemon_->api_key().find(':') + 1);
  const auto got = run({"--output", "json", "config", "get"});
  ASSERT_EQ(got.exit_code, 0) << got.describe();
  const auto revision = got.json().at("revision").get<std::int64_t>();
  EXPECT_THAT(got.out, Not(HasSubstr(secret)));

  const auto table = run({"config", "get"});
  ASSERT_EQ(table.exit_code, 0) << table.describe();
  EXPECT_THAT(table.out, HasSubstr("Revision " + std::to_string(revision)));
  EXPECT_THAT(table.out, HasSubstr("engine_profile.listen_interfaces"));
  EXPECT_THAT(table.out, Not(HasSubstr(secret)));

  const auto file = write_changeset("name.json", {{"app_profile", {{"instance_name", "cli-e2e"}}}});
  const auto set = run({"--output", "json", "config", "set", "--file", file, "--if-match",
                        std::to_string(revision)});
  ASSERT_EQ(set.exit_code, 0) << set.describe();
  EXPECT_EQ(set.json().value("revision", 0), revision + 1);
  EXPECT_EQ(set.json().at("app_profile").value("instance_name", ""), "cli-e2e");

  const auto stale = run({"--output", "json", "config", "set", "--file", file, "--if-match",
                          std::to_string(revision)});
  EXPECT_EQ(stale.exit_code, 2) << stale.describe();
  EXPECT_EQ(stale.json().value("status", 0), 412) << stale.out;
  EXPECT_THAT(stale.err, HasSubstr("request id: " + stale.json().value("request_id", "?")));
}

TEST_F(CliAdminE2e, InvalidChangesetPrintsPointers) {
  const auto before = run({"--output", "json", "config", "get"}).json().value("revision", -1);
  const auto result = run({"config", "set", "--file", "-"},
                          R"({"engine_profile":{"listen_port":70000},"bogus":{}})");
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_THAT(result.err, HasSubstr("/engine_profile/listen_port: "));
  EXPECT_THAT(result.err, HasSubstr("/bogus"));
  EXPECT_FALSE(printed_request_id(result.err).empty());

  const auto not_json = run({"config", "set", "--file", "-"}, "{\"engine_profile\":");
  EXPECT_EQ(not_json.exit_code, 2);
  EXPECT_THAT(not_json.err, HasSubstr("invalid JSON"));
  const auto missing = run({"config", "set", "--file", (dir_ / "missing.json").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("could not open"));

  EXPECT_EQ(run({"--output", "json", "config", "get"}).json().value("revision", -2), before);
}

TEST_F(CliAdminE2e, SettingsPatchFromStdin) {
  const auto result =
      run({"settings", "patch", "--file", "-"}, R"({"engine_profile":{"max_active":7}})");
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_THAT(result.out, HasSubstr("Applied; the configuration is now at revision"));
  const auto config = run({"--output", "json", "config", "get"}).json();
  EXPECT_EQ(config.at("engine_profile").value("max_active", 0), 7);
}

TEST_F(CliAdminE2e, KeyLifecycle) {
  const auto created = run({"keys", "create", "ci", "--scope", "read_only", "--label", "CI runner",
                            "--burst", "50", "--per-seconds", "60"});
  ASSERT_EQ(created.exit_code, 0) << created.describe();
  const auto first = printed_key(created.out);
  ASSERT_EQ(first.rfind("ci:", 0), 0u) << created.out;
  EXPECT_EQ(count_of(created.out + created.err, first.substr(3)), 1u);
  EXPECT_EQ(run({"ls"}, {}, first).exit_code, 0);

  const auto listed = run({"--output", "json", "keys", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.describe();
  EXPECT_THAT(listed.out, Not(HasSubstr(first.substr(3))));
  json ci;
  const auto keys = listed.json().at("api_keys");
  for (const auto& key : keys) {
    if (key.value("key_id", "") == "ci") {
      ci = key;
    }
  }
  EXPECT_EQ(ci.value("scope", ""), "read_only") << listed.out;
  EXPECT_EQ(ci.value("label", ""), "CI runner");
  EXPECT_EQ(ci.at("rate_limit").value("burst", 0), 50);

  const auto forbidden = run({"keys", "create", "other"}, {}, first);
  EXPECT_EQ(forbidden.exit_code, 2) << forbidden.describe();
  EXPECT_EQ(run({"keys", "create", "ci"}).exit_code, 2);

  const auto rotated = run({"keys", "rotate", "ci"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.describe();
  const auto second = printed_key(rotated.out);
  ASSERT_EQ(second.rfind("ci:", 0), 0u) << rotated.out;
  EXPECT_NE(second, first);
  EXPECT_EQ(run({"ls"}, {}, first).exit_code, 2);
  EXPECT_EQ(run({"ls"}, {}, second).exit_code, 0);

  ASSERT_EQ(run({"keys", "disable", "ci"}).exit_code, 0);
  EXPECT_EQ(run({"ls"}, {}, second).exit_code, 2);
  ASSERT_EQ(run({"keys", "enable", "ci"}).exit_code, 0);
  EXPECT_EQ(run({"ls"}, {}, second).exit_code, 0);

  ASSERT_EQ(run({"keys", "delete", "ci"}).exit_code, 0);
  EXPECT_EQ(run({"ls"}, {}, second).exit_code, 2);
  const auto remaining = run({"--output", "json", "keys", "list"}).json().at("api_keys");
  for (const auto& key : remaining) {
    EXPECT_NE(key.value("key_id", ""), "ci");
  }
  EXPECT_EQ(run({"keys", "delete", "ci"}).exit_code, 2);
}

TEST_F(CliAdminE2e, RotateJsonShowsSecretOnce) {
  ASSERT_EQ(run({"keys", "create", "robot", "--no-rate-limit"}).exit_code, 0);
  const auto rotated = run({"--output", "json", "keys", "rotate", "robot"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.describe();
  const auto issued = rotated.json().at("issued_api_keys");
  ASSERT_EQ(issued.size(), 1u);
  const auto credential = issued[0].get<std::string>();
  EXPECT_EQ(count_of(rotated.out, credential.substr(6)), 1u);
  EXPECT_EQ(run({"health"}, {}, credential).exit_code, 0);
  EXPECT_EQ(run({"ls"}, {}, credential).exit_code, 0);
}

TEST_F(CliAdminE2e, HealthReportsReady) {
  const auto table = run({"health"});
  EXPECT_EQ(table.exit_code, 0) << table.describe();
  EXPECT_THAT(table.out, HasSubstr("status: ok\n"));
  const auto as_json = run({"--output", "json", "health"});
  EXPECT_EQ(as_json.exit_code, 0) << as_json.describe();
  EXPECT_EQ(as_json.json().value("status", ""), "ok");
}

}  // namespace
}  // namespace revaer::test
