#include "api/http_util.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace revaer {
namespace {

TEST(RequestId, KeepsSaneValues) {
  EXPECT_EQ(choose_request_id("a.b_c-D9"), "a.b_c-D9");
  EXPECT_EQ(choose_request_id(std::string(128, 'x')), std::string(128, 'x'));
}

TEST(RequestId, ReplacesOthers) {
  for (const std::string& bad :
       {std::string(), std::string(129, 'x'), std::string("a b"),
        std::string("a/b"), std::string("é"), std::string("a\nb")}) {
    std::string chosen = choose_request_id(bad);
    EXPECT_TRUE(is_uuid(chosen)) << bad;
  }
}

TEST(PercentDecode, Decodes) {
  EXPECT_EQ(percent_decode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%zz", false));
}

TEST(Query, Parses) {
  auto query = parse_query("a=1&b=x%2Cy&&a=2&flag");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->count("a"), 2u);
  EXPECT_EQ(query->find("b")->second, "x,y");
  EXPECT_EQ(query->find("flag")->second, "");
  EXPECT_FALSE(parse_query("a=%G0"));
}

TEST(Target, Splits) {
  auto [path, query] = split_target("/v1/torrents?limit=5");
  EXPECT_EQ(path, "/v1/torrents");
  EXPECT_EQ(query, "limit=5");
  EXPECT_EQ(split_target("/health").second, "");
}

TEST(JsonBody, EmptyBody) {
  Result<nlohmann::json> defaulted =
      parse_json_body("  \r\n", nlohmann::json::object());
  ASSERT_TRUE(defaulted);
  EXPECT_EQ(defaulted.value(), nlohmann::json::object());

  Result<nlohmann::json> required = parse_json_body("", std::nullopt);
  ASSERT_FALSE(required);
  EXPECT_EQ(required.problem().status, 400);
}

TEST(JsonBody, Limits) {
  std::string ok = std::string(kMaxJsonDepth, '[') +
                   std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json_body(ok, std::nullopt));

  std::string deep = std::string(kMaxJsonDepth + 1, '[') +
                     std::string(kMaxJsonDepth + 1, ']');
  Result<nlohmann::json> rejected = parse_json_body(deep, std::nullopt);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.problem().status, 400);
  EXPECT_FALSE(parse_json_body("{\"a\":", std::nullopt));
}

TEST(Responses, ProblemShape) {
  HttpResponse response =
      make_problem_response(Problem::not_found("gone"), "rid");
  EXPECT_EQ(response.result_int(), 404u);
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
  EXPECT_EQ(response["x-request-id"], "rid");
  nlohmann::json body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("request_id"), "rid");
  EXPECT_EQ(body.at("detail"), "gone");
}

TEST(Responses, InvalidUtf8Replaced) {
  HttpResponse response = make_json_response(
      http::status::ok, {{"name", std::string("bad\xff")}}, "rid");
  EXPECT_EQ(nlohmann::json::parse(response.body()).at("name"),
            "bad\xEF\xBF\xBD");
}

}  // namespace
}  // namespace revaer
