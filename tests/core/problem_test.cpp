#include "core/problem.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace revaer {
namespace {

TEST(Problem, RendersRfc9457Members) {
  Problem problem = Problem::unprocessable(
      "bad changeset", {{"/engine_profile/listen_port", "out of range"}});
  problem.extensions["existing_id"] = "abc";
  const nlohmann::json body = to_json(problem, "req-1");
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["title"], "Invalid input");
  EXPECT_EQ(body["detail"], "bad changeset");
  EXPECT_EQ(body["type"], "urn:revaer:problem:invalid-input");
  EXPECT_EQ(body["request_id"], "req-1");
  EXPECT_EQ(body["existing_id"], "abc");
  ASSERT_EQ(body["invalid_params"].size(), 1u);
  EXPECT_EQ(body["invalid_params"][0]["pointer"], "/engine_profile/listen_port");
}

TEST(Problem, OmitsEmptyInvalidParams) {
  const nlohmann::json body = to_json(Problem::not_found("no torrent"), "");
  EXPECT_FALSE(body.contains("invalid_params"));
  EXPECT_FALSE(body.contains("request_id"));
  EXPECT_EQ(body["status"], 404);
}

TEST(Clock, FormatsRfc3339Utc) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1796398437123), "2026-12-04T15:33:57.123Z");
}

}  // namespace
}  // namespace revaer
