#include "api/router.hpp"

#include <gtest/gtest.h>

namespace revaer {
namespace {

Result<Reply> named(const char* name) {
  return Reply{http::status::ok, {{"route", name}}, {}};
}

Route route(http::verb method, const char* pattern, const char* name) {
  Route result;
  result.method = method;
  result.pattern = pattern;
  result.handler = [name](RequestContext&) { return named(name); };
  return result;
}

Router sample_router() {
  using http::verb;
  return Router({route(verb::get, "/v1/torrents/{id}", "detail"),
                 route(verb::get, "/v1/torrents", "list"),
                 route(verb::post, "/v1/torrents", "add"),
                 route(verb::get, "/v1/torrents/events", "events"),
                 route(verb::post, "/v1/torrents/{id}/action", "action")});
}

TEST(Router, MatchesLiteralPath) {
  Router router = sample_router();
  Router::Match match = router.match(http::verb::post, "/v1/torrents");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/v1/torrents");
  EXPECT_EQ(match.route->method, http::verb::post);
}

TEST(Router, ExtractsParameters) {
  Router router = sample_router();
  Router::Match match =
      router.match(http::verb::post, "/v1/torrents/a%20b/action");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/v1/torrents/{id}/action");
  EXPECT_EQ(match.path_params.at("id"), "a b");
}

TEST(Router, LiteralBeatsParameter) {
  Router router = sample_router();
  Router::Match match = router.match(http::verb::get, "/v1/torrents/events");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/v1/torrents/events");
}

TEST(Router, ReportsAllowedMethods) {
  Router router = sample_router();
  Router::Match match = router.match(http::verb::delete_, "/v1/torrents");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed,
            (std::vector<http::verb>{http::verb::get, http::verb::post}));
}

TEST(Router, UnknownPath) {
  Router router = sample_router();
  for (const char* path : {"/", "/v1", "/v1/torrents/", "/v1/torrents//action",
                           "/v1/torrents/x/action/more", "/v2/torrents"}) {
    Router::Match match = router.match(http::verb::get, path);
    EXPECT_EQ(match.route, nullptr) << path;
    EXPECT_TRUE(match.allowed.empty()) << path;
  }
}

TEST(Router, SplitsPaths) {
  EXPECT_EQ(split_path("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(split_path("/"), (std::vector<std::string_view>{""}));
  EXPECT_EQ(split_path("/a/"), (std::vector<std::string_view>{"a", ""}));
}

}  // namespace
}  // namespace revaer
