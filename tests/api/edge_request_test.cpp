#include <string>

#include <gtest/gtest.h>

#include "tests/api/edge_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

const std::string kTraceparent =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

using TraceHeaders = EdgeTest;

TEST_F(TraceHeaders, ValidTraceparentEchoed) {
  Reply reply = request(verb::get, "/health", {}, {{"traceparent", kTraceparent}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("traceparent"), kTraceparent);
}

TEST_F(TraceHeaders, EchoedOnErrors) {
  Reply reply =
      request(verb::get, "/v1/config", {}, {{"traceparent", kTraceparent}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.header("traceparent"), kTraceparent);
}

TEST_F(TraceHeaders, InvalidTraceparentDropped) {
  for (const std::string& value :
       {std::string("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        std::string("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        std::string("garbage")}) {
    Reply reply = request(verb::get, "/health", {}, {{"traceparent", value}});
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.header("traceparent"), "") << value;
  }
}

TEST_F(TraceHeaders, LaterVersionAnsweredAsVersion00) {
  Reply reply = request(
      verb::get, "/health", {},
      {{"traceparent",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future"}});
  EXPECT_EQ(reply.header("traceparent"), kTraceparent);
}

TEST_F(TraceHeaders, RequestIdEchoedOrGenerated) {
  Reply echoed = request(verb::get, "/health", {}, {{"x-request-id", "job-7.a_b"}});
  EXPECT_EQ(echoed.header("x-request-id"), "job-7.a_b");

  Reply unsafe =
      request(verb::get, "/health", {}, {{"x-request-id", "a\"b<script>"}});
  EXPECT_NE(unsafe.header("x-request-id"), "a\"b<script>");
  EXPECT_EQ(unsafe.header("x-request-id").size(), 36u);  // a UUID
}

using KeyRotation = EdgeTest;

TEST_F(KeyRotation, NewSecretWorksOldFails) {
  complete_setup();
  std::string old_key = issue_key("sonarr", {{"scope", "add_only"}});
  ASSERT_EQ(get_with_key("/v1/torrents", old_key).status, 200);

  std::string new_key = issue_key("sonarr", {{"rotate", true}});
  ASSERT_EQ(new_key.rfind("sonarr:", 0), 0u) << new_key;
  EXPECT_NE(new_key, old_key);
  // 192 random bits as hex.
  EXPECT_EQ(new_key.size(), std::string("sonarr:").size() + 48);

  expect_problem_reply(get_with_key("/v1/torrents", old_key), 401,
                       "unauthorized");
  EXPECT_EQ(get_with_key("/v1/torrents", new_key).status, 200);

  // The rotation keeps the key's other settings.
  Reply config = authed(verb::get, "/v1/config");
  ASSERT_EQ(config.status, 200);
  json snapshot = config.json();
  bool found = false;
  for (const json& key : snapshot.at("api_keys")) {
    if (key.at("key_id") == "sonarr") {
      found = true;
      EXPECT_EQ(key.at("scope"), "add_only");
    }
  }
  EXPECT_TRUE(found) << config.body;
  EXPECT_EQ(config.body.find(new_key.substr(7)), std::string::npos);
}

TEST_F(KeyRotation, RotateWithSecretIs422) {
  complete_setup();
  issue_key("bot");
  Reply reply = patch_config(
      {{"api_keys", {{{"op", "upsert"},
                      {"key_id", "bot"},
                      {"rotate", true},
                      {"secret", std::string(40, 's')}}}}});
  expect_problem_reply(reply, 422, "invalid-input");
  EXPECT_EQ(reply.json().at("invalid_params").at(0).at("pointer"),
            "/api_keys/0/rotate");
}

TEST_F(KeyRotation, RotateMustBeBoolean) {
  complete_setup();
  Reply reply = patch_config(
      {{"api_keys", {{{"op", "upsert"}, {"key_id", "bot"}, {"rotate", "yes"}}}}});
  expect_problem_reply(reply, 422, "invalid-input");
}

TEST_F(KeyRotation, RotateFalseKeepsSecret) {
  complete_setup();
  std::string key = issue_key("bot");
  Reply reply = patch_config(
      {{"api_keys", {{{"op", "upsert"}, {"key_id", "bot"}, {"rotate", false}}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_FALSE(reply.json().contains("issued_api_keys"));
  EXPECT_EQ(get_with_key("/v1/config", key).status, 200);
}

}  // namespace
}  // namespace revaer::test
