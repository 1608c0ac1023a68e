// Runs the built revaer binary against a stub server and checks the
// requests and output of config, settings, keys and health.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.hpp"

namespace revaer::client {
namespace {

using testing::CannedResponse;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RecordedRequest;
using testing::run_revaer;
using testing::RunResult;
using testing::StubServer;
using json = nlohmann::json;

constexpr const char* kApiKey = "ops:s3cr3t-value";

json snapshot(int revision, json keys) {
  return {{"revision", revision},
          {"app_profile", {{"instance_name", "home"}, {"local_networks", {"127.0.0.0/8"}}}},
          {"engine_profile", {{"listen_port", 6881}, {"proxy", {{"host", ""}, {"port", 0}}}}},
          {"fs_policy", {{"move_mode", "hardlink"}}},
          {"api_keys", std::move(keys)}};
}

json admin_key() {
  return {{"key_id", "admin"},
          {"label", "setup"},
          {"enabled", true},
          {"scope", "admin"},
          {"rate_limit", nullptr}};
}

// Counts the occurrences of `needle` in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class CliAdmin : public ::testing::Test {
 protected:
  RunResult run(std::vector<std::string> args, const std::string& input = "") {
    return run_revaer(args, {{"REVAER_API_URL", server_.url()}, {"REVAER_API_KEY", kApiKey}},
                      input);
  }

  std::vector<RecordedRequest> requests() const { return server_.requests(); }

  StubServer server_;
};

TEST_F(CliAdmin, ConfigGetShowsSettingsAndKeys) {
  server_.set_default({200, snapshot(7, json::array({admin_key()})).dump()});
  const auto result = run({"config", "get"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Revision 7"));
  EXPECT_THAT(result.out, HasSubstr("app_profile.instance_name"));
  EXPECT_THAT(result.out, HasSubstr("engine_profile.proxy.port"));
  EXPECT_THAT(result.out, HasSubstr("[\"127.0.0.0/8\"]"));
  EXPECT_THAT(result.out, HasSubstr("fs_policy.move_mode"));
  EXPECT_THAT(result.out, HasSubstr("admin"));
  ASSERT_EQ(requests().size(), 1u);
  EXPECT_EQ(requests()[0].method, "GET");
  EXPECT_EQ(requests()[0].target, "/v1/config");
}

TEST_F(CliAdmin, ConfigGetJsonPrintsBody) {
  const auto body = snapshot(3, json::array());
  server_.set_default({200, body.dump()});
  const auto result = run({"--output", "json", "config", "get"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out), body);
}

TEST_F(CliAdmin, ConfigSetSendsChangesetAndIfMatch) {
  server_.set_default({200, snapshot(8, json::array()).dump()});
  const std::string changeset = R"({"engine_profile":{"listen_port":7000}})";
  const auto result = run({"config", "set", "--file", "-", "--if-match", "7"}, changeset);

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("revision 8"));
  ASSERT_EQ(requests().size(), 1u);
  const auto request = requests()[0];
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.target, "/v1/config");
  EXPECT_EQ(request.header("if-match"), "\"7\"");
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(json::parse(request.body), json::parse(changeset));
}

TEST_F(CliAdmin, ConfigSetWithoutIfMatchSendsNone) {
  server_.set_default({200, snapshot(2, json::array()).dump()});
  EXPECT_EQ(run({"config", "set", "--file", "-"}, "{}").exit_code, 0);
  ASSERT_EQ(requests().size(), 1u);
  EXPECT_FALSE(requests()[0].has_header("if-match"));
}

TEST_F(CliAdmin, SettingsPatchUsesAdminRoute) {
  server_.set_default({200, snapshot(4, json::array()).dump()});
  const auto result = run({"settings", "patch", "--file", "-"}, R"({"fs_policy":{}})");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(requests().size(), 1u);
  EXPECT_EQ(requests()[0].method, "PATCH");
  EXPECT_EQ(requests()[0].target, "/admin/settings");
}

TEST_F(CliAdmin, ConfigSetRejectsBadFileBeforeSending) {
  const std::vector<std::string> inputs = {"", "{\"a\":", "[1]", "\"text\""};
  for (const auto& input : inputs) {
    const auto result = run({"config", "set", "--file", "-"}, input);
    EXPECT_EQ(result.exit_code, 2) << input;
    EXPECT_THAT(result.err, HasSubstr("standard input")) << input;
  }
  EXPECT_TRUE(requests().empty());
}

TEST_F(CliAdmin, ConfigSetRejectsDeepNesting) {
  std::string deep;
  for (int i = 0; i < 50000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(50000, '}');
  const auto result = run({"config", "set", "--file", "-"}, deep);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("nests deeper than 32 levels"));
  EXPECT_TRUE(requests().empty());
}

TEST_F(CliAdmin, ConfigSetPrintsInvalidParams) {
  const json problem = {
      {"type", "urn:revaer:problem:invalid-input"},
      {"title", "Invalid input"},
      {"status", 422},
      {"detail", "the changeset is invalid; nothing was applied"},
      {"invalid_params",
       {{{"pointer", "/engine_profile/listen_port"}, {"message", "must be between 0 and 65535"}}}}};
  server_.set_default({422, problem.dump(), "application/problem+json"});
  const auto result = run({"config", "set", "--file", "-"}, R"({"engine_profile":{}})");

  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("/engine_profile/listen_port: must be between 0 and 65535"));
  EXPECT_THAT(result.err, HasSubstr("request id: " + requests().at(0).header("x-request-id")));
}

TEST_F(CliAdmin, ConfigSetShowsIssuedKeyOnce) {
  auto body = snapshot(5, json::array());
  body["issued_api_keys"] = {"ci:0123456789abcdef0123456789abcdef"};
  server_.set_default({200, body.dump()});
  const auto result = run({"config", "set", "--file", "-"}, "{}");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count_of(result.out, "ci:0123456789abcdef0123456789abcdef"), 1u) << result.out;
}

TEST_F(CliAdmin, KeysListShowsTable) {
  json limited = {{"key_id", "sonarr"},
                  {"label", "tv"},
                  {"enabled", false},
                  {"scope", "add_only"},
                  {"rate_limit", {{"burst", 10}, {"per_seconds", 60}}}};
  server_.set_default({200, snapshot(3, json::array({admin_key(), limited})).dump()});
  const auto result = run({"keys", "list"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("KEY ID"));
  EXPECT_THAT(result.out, HasSubstr("sonarr"));
  EXPECT_THAT(result.out, HasSubstr("add_only"));
  EXPECT_THAT(result.out, HasSubstr("10 per 60 s"));
  EXPECT_THAT(result.out, HasSubstr("none"));
}

TEST_F(CliAdmin, KeysListJsonHasRevisionAndKeys) {
  server_.set_default({200, snapshot(3, json::array({admin_key()})).dump()});
  const auto result = run({"--output", "json", "keys", "list"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json::parse(result.out),
            json({{"revision", 3}, {"api_keys", json::array({admin_key()})}}));
}

TEST_F(CliAdmin, KeysCreateSendsUpsertWithIfMatch) {
  server_.enqueue({200, snapshot(9, json::array({admin_key()})).dump()});
  auto created = snapshot(10, json::array({admin_key()}));
  created["issued_api_keys"] = {"ci:issued-secret-value"};
  server_.enqueue({200, created.dump()});

  const auto result = run({"keys", "create", "ci", "--scope", "read_only", "--label", "CI runner",
                           "--burst", "20", "--per-seconds", "60"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count_of(result.out, "ci:issued-secret-value"), 1u) << result.out;
  EXPECT_THAT(result.err, Not(HasSubstr("issued-secret-value")));

  const auto sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[1].method, "PATCH");
  EXPECT_EQ(sent[1].target, "/v1/config");
  EXPECT_EQ(sent[1].header("if-match"), "\"9\"");
  EXPECT_EQ(sent[0].header("x-request-id"), sent[1].header("x-request-id"));
  const json op = {{"op", "upsert"},
                   {"key_id", "ci"},
                   {"scope", "read_only"},
                   {"label", "CI runner"},
                   {"rate_limit", {{"burst", 20}, {"per_seconds", 60.0}}}};
  EXPECT_EQ(json::parse(sent[1].body), json({{"api_keys", json::array({op})}}));
}

TEST_F(CliAdmin, KeysCreateWithoutRateLimitSendsNull) {
  server_.enqueue({200, snapshot(1, json::array()).dump()});
  server_.enqueue({200, snapshot(2, json::array()).dump()});
  EXPECT_EQ(run({"keys", "create", "ci", "--no-rate-limit"}).exit_code, 0);
  const auto sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_TRUE(json::parse(sent[1].body).at("api_keys").at(0).at("rate_limit").is_null());
}

TEST_F(CliAdmin, KeysCreateExistingKeyIsConflict) {
  server_.set_default({200, snapshot(2, json::array({admin_key()})).dump()});
  const auto result = run({"--output", "json", "keys", "create", "admin"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("already exists"));
  const auto problem = json::parse(result.out, nullptr, false);
  EXPECT_EQ(problem.value("status", 0), 409) << result.out;
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(CliAdmin, KeysRotateSendsFreshSecret) {
  server_.set_default({200, snapshot(4, json::array({admin_key()})).dump()});
  const auto first = run({"keys", "rotate", "admin"});
  const auto second = run({"keys", "rotate", "admin"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;

  const auto sent = requests();
  ASSERT_EQ(sent.size(), 4u);
  const auto op = json::parse(sent[1].body).at("api_keys").at(0);
  EXPECT_EQ(op.value("op", ""), "upsert");
  EXPECT_EQ(op.value("key_id", ""), "admin");
  EXPECT_EQ(sent[1].header("if-match"), "\"4\"");
  const auto secret = op.value("secret", "");
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos) << secret;
  EXPECT_NE(secret, json::parse(sent[3].body).at("api_keys").at(0).value("secret", ""));

  EXPECT_EQ(count_of(first.out, "admin:" + secret), 1u) << first.out;
  EXPECT_EQ(count_of(first.err, secret), 0u);
}

TEST_F(CliAdmin, KeysRotateJsonAddsIssuedKey) {
  server_.set_default({200, snapshot(4, json::array({admin_key()})).dump()});
  const auto result = run({"--output", "json", "keys", "rotate", "admin"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto secret = json::parse(requests().at(1).body).at("api_keys").at(0).value("secret", "");
  const auto printed = json::parse(result.out);
  EXPECT_EQ(printed.at("issued_api_keys"), json::array({"admin:" + secret}));
  EXPECT_EQ(printed.value("revision", 0), 4);
}

TEST_F(CliAdmin, KeysChangesSendOneOperation) {
  struct Case {
    const char* verb;
    json op;
  };
  const std::vector<Case> cases = {
      {"disable", {{"op", "upsert"}, {"key_id", "admin"}, {"enabled", false}}},
      {"enable", {{"op", "upsert"}, {"key_id", "admin"}, {"enabled", true}}},
      {"delete", {{"op", "delete"}, {"key_id", "admin"}}},
  };
  server_.set_default({200, snapshot(6, json::array({admin_key()})).dump()});
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto result = run({"keys", cases[i].verb, "admin"});
    EXPECT_EQ(result.exit_code, 0) << cases[i].verb << ": " << result.err;
    const auto sent = requests();
    ASSERT_EQ(sent.size(), 2 * (i + 1));
    EXPECT_EQ(sent.back().method, "PATCH");
    EXPECT_EQ(json::parse(sent.back().body), json({{"api_keys", json::array({cases[i].op})}}))
        << cases[i].verb;
  }
}

TEST_F(CliAdmin, KeysChangeUnknownKeyIsNotFound) {
  server_.set_default({200, snapshot(6, json::array({admin_key()})).dump()});
  const auto result = run({"keys", "disable", "ghost"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("No API key 'ghost'"));
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(CliAdmin, KeysStaleRevisionIsValidation) {
  server_.enqueue({200, snapshot(6, json::array({admin_key()})).dump()});
  server_.enqueue({412, R"({"title":"Precondition failed","status":412,"detail":"revision moved"})",
                   "application/problem+json"});
  const auto result = run({"keys", "disable", "admin"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("revision moved"));
}

TEST_F(CliAdmin, HealthPrintsStatus) {
  server_.set_default({200, R"({"status":"ok"})"});
  const auto result = run({"health"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "status: ok\n");
  ASSERT_EQ(requests().size(), 1u);
  EXPECT_EQ(requests()[0].target, "/health");
}

TEST_F(CliAdmin, HealthFullRendersNestedFields) {
  server_.set_default(
      {200, R"({"degraded":["fsops"],"status":"degraded","torrents":{"active":2}})"});
  const auto result = run({"health", "--full"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "status: degraded\ndegraded: fsops\ntorrents.active: 2\n");
  EXPECT_EQ(requests().at(0).target, "/health/full");
}

TEST_F(CliAdmin, HealthFullRendersArraysOfObjects) {
  server_.set_default(
      {200, R"({"status":"degraded","degraded":[{"component":"fsops","reason":"disk full"}],)"
            R"("notes":[]})"});
  const auto result = run({"health", "--full"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "status: degraded\ndegraded.0.component: fsops\ndegraded.0.reason: disk full\n"
            "notes: none\n");
}

TEST_F(CliAdmin, HealthFullMissingRouteGivesHint) {
  server_.set_default({404, R"({"title":"Not found","status":404})", "application/problem+json"});
  const auto result = run({"health", "--full"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("does not serve /health/full"));
}

TEST_F(CliAdmin, HealthUnavailableIsRuntime) {
  server_.set_default({503,
                       R"({"title":"Service unavailable","status":503,"degraded":["database"]})",
                       "application/problem+json"});
  const auto result = run({"health"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("Service unavailable"));
}

}  // namespace
}  // namespace revaer::client
