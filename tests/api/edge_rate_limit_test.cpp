#include <string>

#include <gtest/gtest.h>

#include "tests/api/edge_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

// One token per 20 minutes after the burst, so no test gets a refill.
const json kSlowLimit = {{"burst", 3}, {"per_seconds", 3600}};

using KeyRateLimit = EdgeTest;

TEST_F(KeyRateLimit, HeadersCountDown) {
  complete_setup();
  std::string key = issue_key("bot", {{"rate_limit", kSlowLimit}});

  for (int remaining : {2, 1, 0}) {
    Reply reply = get_with_key("/v1/config", key);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("x-ratelimit-limit"), "3");
    EXPECT_EQ(reply.header("x-ratelimit-remaining"), std::to_string(remaining));
    EXPECT_EQ(reply.header("x-ratelimit-reset"),
              std::to_string((3 - remaining) * 1200));
  }
}

TEST_F(KeyRateLimit, EmptyBucketGets429) {
  complete_setup();
  std::string key = issue_key("bot", {{"rate_limit", kSlowLimit}});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(get_with_key("/v1/torrents", key).status, 200);
  }

  Reply throttled = get_with_key("/v1/torrents", key);
  expect_problem_reply(throttled, 429, "rate-limited");
  EXPECT_EQ(throttled.header("retry-after"), "1200");
  EXPECT_EQ(throttled.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(throttled.header("x-ratelimit-limit"), "3");
  EXPECT_EQ(counter("api_rate_limit_throttled_total"), 1);

  // Other keys keep their own budget.
  EXPECT_EQ(authed(verb::get, "/v1/torrents").status, 200);
}

TEST_F(KeyRateLimit, ErrorResponsesCarryHeaders) {
  complete_setup();
  std::string key = issue_key("reader", {{"rate_limit", kSlowLimit},
                                         {"scope", "read_only"}});
  Reply forbidden =
      request(verb::patch, "/v1/config", "{}", {{"x-revaer-api-key", key}});
  expect_problem_reply(forbidden, 403, "forbidden");
  EXPECT_EQ(forbidden.header("x-ratelimit-remaining"), "2");

  Reply missing = get_with_key(
      "/v1/torrents/00000000-0000-4000-8000-000000000000", key);
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.header("x-ratelimit-remaining"), "1");
}

TEST_F(KeyRateLimit, UnlimitedKeyHasNoHeaders) {
  complete_setup();
  for (int i = 0; i < 20; ++i) {
    Reply reply = authed(verb::get, "/v1/config");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.header("x-ratelimit-limit"), "");
  }
  EXPECT_EQ(counter("api_rate_limit_throttled_total"), 0);
}

TEST_F(KeyRateLimit, PatchAppliesToNextRequest) {
  complete_setup();
  std::string key = issue_key("bot", {{"rate_limit", kSlowLimit}});
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(get_with_key("/v1/config", key).status, 200);
  }
  ASSERT_EQ(get_with_key("/v1/config", key).status, 429);

  Reply patched = patch_config(
      {{"api_keys",
        {{{"op", "upsert"},
          {"key_id", "bot"},
          {"rate_limit", {{"burst", 5}, {"per_seconds", 3600}}}}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;

  Reply next = get_with_key("/v1/config", key);
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(next.header("x-ratelimit-limit"), "5");
  EXPECT_EQ(next.header("x-ratelimit-remaining"), "4");

  Reply removed = patch_config(
      {{"api_keys",
        {{{"op", "upsert"}, {"key_id", "bot"}, {"rate_limit", nullptr}}}}});
  ASSERT_EQ(removed.status, 200) << removed.body;
  Reply unlimited = get_with_key("/v1/config", key);
  EXPECT_EQ(unlimited.status, 200);
  EXPECT_EQ(unlimited.header("x-ratelimit-limit"), "");
}

}  // namespace
}  // namespace revaer::test
