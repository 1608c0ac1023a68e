#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/dispatcher.hpp"
#include "tests/api/edge_fixture.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

// The expected outcome of one route for one kind of caller.
enum class Expect {
  unauthorized,     // 401
  forbidden,        // 403
  setup_incomplete, // 403 with type setup-incomplete
  admitted,         // anything but 401 and 403
};

const char* describe(Expect expect) {
  switch (expect) {
    case Expect::unauthorized:
      return "401";
    case Expect::forbidden:
      return "403";
    case Expect::setup_incomplete:
      return "403 setup-incomplete";
    case Expect::admitted:
      return "neither 401 nor 403";
  }
  return "?";
}

// Replaces every {param} segment of a route pattern with a UUID.
std::string concrete_target(const std::string& pattern) {
  std::string target;
  std::size_t at = 0;
  while (at < pattern.size()) {
    std::size_t open = pattern.find('{', at);
    if (open == std::string::npos) {
      target += pattern.substr(at);
      break;
    }
    std::size_t close = pattern.find('}', open);
    target += pattern.substr(at, open - at);
    target += "00000000-0000-4000-8000-0000000000aa";
    at = close + 1;
  }
  return target;
}

bool scope_covers(const std::string& scope, Permission permission) {
  if (scope == "admin") {
    return true;
  }
  if (scope == "add_only") {
    return permission != Permission::admin;
  }
  return permission == Permission::read;
}

// Many wrong keys come from 127.0.0.1 here, so failed-attempt throttling
// gets a budget the matrix never exhausts.
class AuthMatrix : public EdgeTest {
 protected:
  HttpLimits limits() const override {
    HttpLimits limits;
    limits.auth_failures = {100000, 1};
    return limits;
  }

  Reply call(const Route& route, const std::string& key) {
    HeaderPairs headers;
    if (!key.empty()) {
      headers.emplace_back("x-revaer-api-key", key);
    }
    std::string body = route.method == http::verb::get ? "" : "{}";
    if (!body.empty()) {
      headers.emplace_back("content-type", "application/json");
    }
    return request(route.method, concrete_target(route.pattern), body,
                   headers);
  }

  void check(const Route& route, const std::string& caller,
             const std::string& key, Expect expect) {
    Reply reply = call(route, key);
    std::string where = std::string(http::to_string(route.method)) + " " +
                        route.pattern + " as " + caller + ": expected " +
                        describe(expect) + ", got " +
                        std::to_string(reply.status) + " " + reply.body;
    switch (expect) {
      case Expect::unauthorized:
        EXPECT_EQ(reply.status, 401) << where;
        EXPECT_EQ(reply.header("www-authenticate"), "Bearer") << where;
        break;
      case Expect::forbidden:
        EXPECT_EQ(reply.status, 403) << where;
        break;
      case Expect::setup_incomplete:
        EXPECT_EQ(reply.status, 403) << where;
        EXPECT_NE(reply.body.find("setup-incomplete"), std::string::npos)
            << where;
        break;
      case Expect::admitted:
        EXPECT_NE(reply.status, 401) << where;
        EXPECT_NE(reply.status, 403) << where;
        break;
    }
  }
};

// Returns true when the route needs a key in active mode.
bool guarded(const Route& route) {
  return route.access == Access::key || route.access == Access::stream ||
         route.access == Access::key_after_setup;
}

// Returns true when the route needs a key in setup mode, where it returns
// 403 setup-incomplete because no key exists yet.
bool guarded_in_setup(const Route& route) {
  return route.access == Access::key || route.access == Access::stream;
}

TEST_F(AuthMatrix, EveryRouteInActiveMode) {
  complete_setup();
  std::string disabled = issue_key("off");
  ASSERT_EQ(patch_config({{"api_keys",
                           {{{"op", "upsert"},
                             {"key_id", "off"},
                             {"enabled", false}}}}})
                .status,
            200);
  std::vector<std::pair<std::string, std::string>> scoped = {
      {"read_only", issue_key("reader", {{"scope", "read_only"}})},
      {"add_only", issue_key("adder", {{"scope", "add_only"}})},
      {"admin", api_key_},
  };

  std::vector<Route> routes = all_routes();
  ASSERT_FALSE(routes.empty());
  for (const Route& route : routes) {
    if (route.access == Access::setup) {
      continue;  // the setup handlers check their token themselves
    }
    if (!guarded(route) && route.access != Access::qbit) {
      ASSERT_EQ(route.access, Access::open) << route.pattern;
      check(route, "no key", "", Expect::admitted);
      check(route, "wrong key", "admin:wrong", Expect::admitted);
      continue;
    }
    // The qBittorrent façade rejects with 403 where /v1 sends 401.
    Expect rejected = route.access == Access::qbit ? Expect::forbidden
                                                   : Expect::unauthorized;
    check(route, "no key", "", rejected);
    check(route, "wrong key", "admin:" + std::string(48, '0'), rejected);
    check(route, "malformed key", "no-colon", rejected);
    check(route, "disabled key", disabled, rejected);
    for (const auto& [scope, key] : scoped) {
      check(route, scope, key,
            scope_covers(scope, route.permission) ? Expect::admitted
                                                  : Expect::forbidden);
    }
  }
}

TEST_F(AuthMatrix, EveryRouteInSetupMode) {
  for (const Route& route : all_routes()) {
    if (route.access == Access::qbit) {
      check(route, "no key in setup mode", "", Expect::forbidden);
      check(route, "a key in setup mode", "admin:" + std::string(48, '0'),
            Expect::forbidden);
    } else if (guarded_in_setup(route)) {
      check(route, "no key in setup mode", "", Expect::setup_incomplete);
      check(route, "a key in setup mode", "admin:" + std::string(48, '0'),
            Expect::setup_incomplete);
    } else if (route.access == Access::open ||
               route.access == Access::key_after_setup) {
      check(route, "no key in setup mode", "", Expect::admitted);
    } else {
      Reply reply = call(route, "");
      EXPECT_EQ(reply.body.find("setup-incomplete"), std::string::npos)
          << route.pattern;
    }
  }
}

}  // namespace
}  // namespace revaer::test
