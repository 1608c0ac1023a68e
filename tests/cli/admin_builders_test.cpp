// Argument checks and renderers behind config, keys and health, called
// directly.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/config_commands.hpp"
#include "cli/health_command.hpp"
#include "cli/key_commands.hpp"
#include "cli/telemetry_event.hpp"

namespace revaer::client {
namespace {

using json = nlohmann::json;

TEST(IfMatchValue, QuotesRevision) {
  EXPECT_EQ(if_match_value("12"), "\"12\"");
  EXPECT_EQ(if_match_value("\"0\""), "\"0\"");
}

TEST(IfMatchValue, RejectsNonDigits) {
  for (const char* text : {"", "-1", "1.5", "W/\"3\"", "\"\"", "12a", "1234567890123456789"}) {
    EXPECT_THROW(if_match_value(text), UsageError) << text;
  }
}

TEST(KeyCreateOp, SendsOnlyGivenFields) {
  KeyCreateArgs args;
  args.key_id = "ci.runner-1";
  EXPECT_EQ(build_key_create_op(args), json({{"op", "upsert"}, {"key_id", "ci.runner-1"}}));

  args.label = "";
  args.burst = 3;
  args.per_seconds = 0.5;
  EXPECT_EQ(build_key_create_op(args),
            json({{"op", "upsert"},
                  {"key_id", "ci.runner-1"},
                  {"label", ""},
                  {"rate_limit", {{"burst", 3}, {"per_seconds", 0.5}}}}));
}

TEST(KeyCreateOp, RejectsInvalidArguments) {
  const auto with = [](auto change) {
    KeyCreateArgs args;
    args.key_id = "ci";
    change(args);
    return args;
  };
  const std::vector<KeyCreateArgs> cases = {
      with([](KeyCreateArgs& a) { a.key_id = ""; }),
      with([](KeyCreateArgs& a) { a.key_id = "white space"; }),
      with([](KeyCreateArgs& a) { a.key_id = std::string(65, 'k'); }),
      with([](KeyCreateArgs& a) { a.scope = "owner"; }),
      with([](KeyCreateArgs& a) { a.label = std::string(129, 'l'); }),
      with([](KeyCreateArgs& a) { a.burst = 1; }),
      with([](KeyCreateArgs& a) { a.per_seconds = 1.0; }),
      with([](KeyCreateArgs& a) {
        a.burst = -1;
        a.per_seconds = 1.0;
      }),
      with([](KeyCreateArgs& a) {
        a.burst = 1;
        a.per_seconds = 0.0;
      }),
      with([](KeyCreateArgs& a) {
        a.no_rate_limit = true;
        a.per_seconds = 1.0;
      }),
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_THROW(build_key_create_op(cases[i]), UsageError) << "case " << i;
  }
}

TEST(KeyId, AcceptsAllowedCharacters) {
  EXPECT_NO_THROW(check_key_id("A-z_0.9"));
  EXPECT_NO_THROW(check_key_id(std::string(64, 'k')));
}

TEST(RenderApiKeys, EmptyList) { EXPECT_EQ(render_api_keys(json::array(), 80), "No API keys.\n"); }

TEST(RenderConfig, FlattensNestedArrays) {
  const json snapshot = {{"revision", 2},
                         {"app_profile", {{"label_policies", {{{"name", "tv"}}}}}},
                         {"engine_profile", json::object()},
                         {"fs_policy", {{"cleanup_keep", {"*.mkv", "*.srt"}}}}};
  const auto text = render_config(snapshot, 100);
  EXPECT_NE(text.find("Revision 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_profile.label_policies.0.name tv"), std::string::npos) << text;
  EXPECT_NE(text.find("fs_policy.cleanup_keep [\"*.mkv\",\"*.srt\"]"), std::string::npos) << text;
  EXPECT_NE(text.find("engine_profile {}"), std::string::npos) << text;
}

TEST(RenderHealth, StatusFirst) {
  EXPECT_EQ(render_health(json({{"a", 1}, {"status", "ok"}})), "status: ok\na: 1\n");
}

TEST(TelemetryEvent, OutcomeByExitCode) {
  EXPECT_EQ(outcome_of(0), "success");
  EXPECT_EQ(outcome_of(2), "validation_error");
  EXPECT_EQ(outcome_of(3), "runtime_error");
  EXPECT_EQ(outcome_of(130), "interrupted");
}

TEST(TelemetryEvent, MessageOnlyWhenSet) {
  TelemetryEvent event{"ls", "id-1", 0, "", 5};
  EXPECT_EQ(to_json(event), json({{"command", "ls"},
                                  {"outcome", "success"},
                                  {"trace_id", "id-1"},
                                  {"exit_code", 0},
                                  {"timestamp_ms", 5}}));
  event.exit_code = 3;
  event.message = "boom";
  EXPECT_EQ(to_json(event).value("message", ""), "boom");
}

}  // namespace
}  // namespace revaer::client
