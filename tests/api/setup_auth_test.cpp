#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "tests/api/api_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;

const std::regex kRfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");

void expect_problem(const Reply& reply, int status, const std::string& type) {
  EXPECT_EQ(reply.status, status) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/problem+json");
  nlohmann::json body = reply.json();
  EXPECT_EQ(body.at("status"), status);
  EXPECT_EQ(body.at("type"), "urn:revaer:problem:" + type);
  EXPECT_TRUE(body.at("title").is_string());
  EXPECT_TRUE(body.at("detail").is_string());
  EXPECT_EQ(body.at("request_id"), reply.header("x-request-id"));
}

using SetupMode = ApiTest;

TEST_F(SetupMode, GatesKeyRoutes) {
  expect_problem(request(verb::get, "/v1/config"), 403, "setup-incomplete");
  expect_problem(request(verb::get, "/v1/torrents"), 403, "setup-incomplete");
  expect_problem(request(verb::patch, "/admin/settings", "{}"), 403,
                 "setup-incomplete");
}

TEST_F(SetupMode, HealthAndWellKnownAnswer) {
  Reply health = request(verb::get, "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json(), nlohmann::json({{"status", "ok"}}));

  Reply well_known = request(verb::get, "/.well-known/revaer.json");
  ASSERT_EQ(well_known.status, 200);
  nlohmann::json body = well_known.json();
  EXPECT_EQ(body.at("mode"), "setup");
  EXPECT_EQ(body.at("api_base"), "/v1");
  EXPECT_TRUE(body.at("revision").is_number_integer());
  EXPECT_TRUE(body.at("version").is_string());
}

TEST_F(SetupMode, StartAndCompleteActivate) {
  Reply start = request(verb::post, "/admin/setup/start",
                        R"({"issued_by":"test","ttl_seconds":60})");
  ASSERT_EQ(start.status, 200) << start.body;
  std::string token = start.json().at("token");
  EXPECT_GE(token.size(), 32u);
  EXPECT_TRUE(std::regex_match(
      start.json().at("expires_at").get<std::string>(), kRfc3339));

  Reply done =
      request(verb::post, "/admin/setup/complete",
              R"({"app_profile":{"instance_name":"api-test"}})",
              {{"x-revaer-setup-token", token}});
  ASSERT_EQ(done.status, 200) << done.body;
  nlohmann::json body = done.json();
  EXPECT_EQ(body.at("snapshot").at("app_profile").at("mode"), "active");
  EXPECT_EQ(body.at("snapshot").at("app_profile").at("instance_name"),
            "api-test");
  EXPECT_NE(body.at("api_key").get<std::string>().find(':'),
            std::string::npos);
  EXPECT_EQ(setup_completed_calls_.load(), 1);

  Reply well_known = request(verb::get, "/.well-known/revaer.json");
  EXPECT_EQ(well_known.json().at("mode"), "active");
}

TEST_F(SetupMode, StartWithoutBody) {
  Reply start = request(verb::post, "/admin/setup/start");
  EXPECT_EQ(start.status, 200) << start.body;
}

TEST_F(SetupMode, StartRejectsWrongTypes) {
  Reply start = request(verb::post, "/admin/setup/start",
                        R"({"ttl_seconds":"soon","issued_by":5})");
  expect_problem(start, 422, "invalid-input");
  EXPECT_EQ(start.json().at("invalid_params").size(), 2u);
}

TEST_F(SetupMode, CompleteWithWrongToken) {
  Reply start = request(verb::post, "/admin/setup/start", "{}");
  ASSERT_EQ(start.status, 200);
  Reply done = request(verb::post, "/admin/setup/complete", "{}",
                       {{"x-revaer-setup-token", "not-the-token"}});
  expect_problem(done, 401, "unauthorized");
  EXPECT_EQ(setup_completed_calls_.load(), 0);
}

TEST_F(SetupMode, CompleteWithoutToken) {
  expect_problem(request(verb::post, "/admin/setup/complete", "{}"), 401,
                 "unauthorized");
}

TEST_F(SetupMode, CompleteWithInvalidChangeset) {
  Reply start = request(verb::post, "/admin/setup/start", "{}");
  std::string token = start.json().at("token");
  Reply done = request(verb::post, "/admin/setup/complete",
                       R"({"engine_profile":{"listen_port":"x"}})",
                       {{"x-revaer-setup-token", token}});
  expect_problem(done, 422, "invalid-input");
  EXPECT_EQ(done.json().at("invalid_params").at(0).at("pointer"),
            "/engine_profile/listen_port");
}

TEST_F(SetupMode, SecondCompleteConflicts) {
  Reply start = request(verb::post, "/admin/setup/start", "{}");
  std::string token = start.json().at("token");
  HeaderPairs headers = {{"x-revaer-setup-token", token}};
  ASSERT_EQ(request(verb::post, "/admin/setup/complete", "{}", headers).status,
            200);

  expect_problem(request(verb::post, "/admin/setup/complete", "{}", headers),
                 409, "conflict");
  expect_problem(request(verb::post, "/admin/setup/start", "{}"), 409,
                 "conflict");
  EXPECT_EQ(setup_completed_calls_.load(), 1);
}

using Auth = ApiTest;

TEST_F(Auth, MissingKey) {
  complete_setup();
  Reply reply = request(verb::get, "/v1/config");
  expect_problem(reply, 401, "unauthorized");
  EXPECT_EQ(reply.header("www-authenticate"), "Bearer");
}

TEST_F(Auth, WrongKey) {
  std::string key = complete_setup();
  std::string key_id = key.substr(0, key.find(':'));
  Reply reply = request(verb::get, "/v1/config", {},
                        {{"x-revaer-api-key", key_id + ":wrong"}});
  expect_problem(reply, 401, "unauthorized");
  EXPECT_EQ(reply.header("www-authenticate"), "Bearer");

  Reply bearer = request(verb::get, "/v1/config", {},
                         {{"authorization", "Bearer " + key_id + ":wrong"}});
  expect_problem(bearer, 401, "unauthorized");
}

TEST_F(Auth, ApiKeyHeader) {
  std::string key = complete_setup();
  Reply reply =
      request(verb::get, "/v1/config", {}, {{"x-revaer-api-key", key}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json");
  nlohmann::json body = reply.json();
  EXPECT_EQ(body.at("app_profile").at("mode"), "active");
  ASSERT_EQ(body.at("api_keys").size(), 1u);
  EXPECT_FALSE(body.at("api_keys").at(0).contains("secret_sha256"));
  EXPECT_EQ(reply.body.find(key.substr(key.find(':') + 1)), std::string::npos);
}

TEST_F(Auth, BearerHeader) {
  std::string key = complete_setup();
  Reply reply =
      request(verb::get, "/v1/config", {}, {{"authorization", "Bearer " + key}});
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(Auth, PatchConfigCommits) {
  complete_setup();
  Reply patched = authed(verb::patch, "/v1/config",
                         R"({"app_profile":{"instance_name":"renamed"}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("app_profile").at("instance_name"), "renamed");

  Reply alias = authed(verb::patch, "/admin/settings",
                       R"({"app_profile":{"instance_name":"again"}})");
  ASSERT_EQ(alias.status, 200) << alias.body;
  EXPECT_GT(alias.json().at("revision"), patched.json().at("revision"));
}

TEST_F(Auth, PatchConfigInvalid) {
  complete_setup();
  Reply reply = authed(verb::patch, "/v1/config",
                       R"({"engine_profile":{"listen_port":-5}})");
  expect_problem(reply, 422, "invalid-input");
  EXPECT_EQ(reply.json().at("invalid_params").at(0).at("pointer"),
            "/engine_profile/listen_port");
}

TEST_F(Auth, PatchConfigNeedsBody) {
  complete_setup();
  expect_problem(authed(verb::patch, "/v1/config"), 400, "bad-request");
  expect_problem(authed(verb::patch, "/v1/config", "{nope"), 400,
                 "bad-request");
}

TEST_F(Auth, ModeNoneAdmitsLoopback) {
  complete_setup();
  Reply patched =
      authed(verb::patch, "/v1/config", R"({"app_profile":{"auth_mode":"none"}})");
  ASSERT_EQ(patched.status, 200) << patched.body;

  Reply reply = request(verb::get, "/v1/config");
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(Auth, ReadOnlyScope) {
  complete_setup();
  std::string secret(40, 'r');
  nlohmann::json changeset = {
      {"api_keys",
       {{{"op", "upsert"}, {"key_id", "reader"}, {"scope", "read_only"},
         {"secret", secret}}}}};
  ASSERT_EQ(authed(verb::patch, "/v1/config", changeset.dump()).status, 200);

  HeaderPairs reader = {{"x-revaer-api-key", "reader:" + secret}};
  EXPECT_EQ(request(verb::get, "/v1/config", {}, reader).status, 200);
  Reply patch = request(verb::patch, "/v1/config", "{}", reader);
  expect_problem(patch, 403, "forbidden");
}

using Protocol = ApiTest;

TEST_F(Protocol, RequestIdEchoed) {
  Reply reply =
      request(verb::get, "/health", {}, {{"x-request-id", "abc.DEF_123-x"}});
  EXPECT_EQ(reply.header("x-request-id"), "abc.DEF_123-x");
}

TEST_F(Protocol, RequestIdGenerated) {
  const std::regex uuid(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  Reply missing = request(verb::get, "/health");
  EXPECT_TRUE(std::regex_match(missing.header("x-request-id"), uuid));

  Reply spaced =
      request(verb::get, "/health", {}, {{"x-request-id", "has space"}});
  EXPECT_TRUE(std::regex_match(spaced.header("x-request-id"), uuid));

  Reply long_id = request(verb::get, "/health", {},
                          {{"x-request-id", std::string(129, 'a')}});
  EXPECT_TRUE(std::regex_match(long_id.header("x-request-id"), uuid));

  Reply longest = request(verb::get, "/health", {},
                          {{"x-request-id", std::string(128, 'a')}});
  EXPECT_EQ(longest.header("x-request-id"), std::string(128, 'a'));
}

TEST_F(Protocol, ProblemCarriesRequestId) {
  Reply reply =
      request(verb::get, "/nowhere", {}, {{"x-request-id", "trace-42"}});
  expect_problem(reply, 404, "not-found");
  EXPECT_EQ(reply.json().at("request_id"), "trace-42");
}

TEST_F(Protocol, UnknownPath) {
  expect_problem(request(verb::get, "/v1/nothing"), 404, "not-found");
  expect_problem(request(verb::get, "/v1/torrents/a/b/c"), 404, "not-found");
}

TEST_F(Protocol, WrongMethod) {
  Reply reply = request(verb::delete_, "/v1/config");
  expect_problem(reply, 405, "method-not-allowed");
  EXPECT_EQ(reply.header("allow"), "GET, PATCH");

  Reply health = request(verb::post, "/health");
  expect_problem(health, 405, "method-not-allowed");
  EXPECT_EQ(health.header("allow"), "GET");
}

TEST_F(Protocol, KeepAlive) {
  TestConnection connection(port_);
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> request{verb::get, "/health", 11};
    request.set(http::field::host, "127.0.0.1");
    connection.send(std::move(request));
    Reply reply = connection.read_reply();
    EXPECT_EQ(reply.status, 200);
    EXPECT_NE(reply.header("connection"), "close");
  }
}

TEST_F(Protocol, ConnectionCloseHonoured) {
  TestConnection connection(port_);
  connection.write(
      "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  Reply reply = connection.read_reply();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_TRUE(connection.wait_closed());
}

TEST_F(Protocol, MalformedRequest) {
  TestConnection connection(port_);
  connection.write("THIS IS NOT HTTP\r\n\r\n");
  Reply reply = connection.read_reply();
  expect_problem(reply, 400, "bad-request");
  EXPECT_TRUE(connection.wait_closed());
}

TEST_F(Protocol, HeaderTooLarge) {
  TestConnection connection(port_);
  connection.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nx-filler: " +
                   std::string(20 * 1024, 'f') + "\r\n\r\n");
  Reply reply = connection.read_reply();
  expect_problem(reply, 431, "header-too-large");
  EXPECT_TRUE(connection.wait_closed());
}

TEST_F(Protocol, RequestLineTooLarge) {
  TestConnection connection(port_);
  connection.write("GET /" + std::string(20 * 1024, 'p') +
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  expect_problem(connection.read_reply(), 414, "uri-too-long");
}

TEST_F(Protocol, ListensOnIpv6) {
  std::uint16_t port =
      server_->listen({boost::asio::ip::make_address("::1"), 0}).port();
  TestConnection connection(port, "::1");
  connection.write("POST /admin/setup/start HTTP/1.1\r\nHost: [::1]\r\n"
                   "Content-Length: 0\r\n\r\n");
  Reply reply = connection.read_reply();
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(Protocol, DeclaredBodyTooLarge) {
  complete_setup();
  TestConnection connection(port_);
  connection.write("PATCH /v1/config HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "x-revaer-api-key: " + api_key_ + "\r\n"
                   "Content-Length: 2000000\r\n\r\n");
  Reply reply = connection.read_reply();
  expect_problem(reply, 413, "payload-too-large");
  EXPECT_EQ(reply.header("connection"), "close");
}

TEST_F(Protocol, SentBodyTooLarge) {
  complete_setup();
  std::string body = R"({"app_profile":{"instance_name":")" +
                     std::string(1024 * 1024, 'n') + R"("}})";
  Reply reply = authed(verb::patch, "/v1/config", body);
  expect_problem(reply, 413, "payload-too-large");
}

TEST_F(Protocol, ChunkedBodyTooLarge) {
  complete_setup();
  TestConnection connection(port_);
  connection.write("PATCH /v1/config HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "x-revaer-api-key: " + api_key_ + "\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n");
  std::string chunk(256 * 1024, 'c');
  // The server responds once the chunks pass 1 MiB and then stops reading,
  // so a later write may fail, but the response must still be readable.
  try {
    for (int i = 0; i < 8; ++i) {
      connection.write("40000\r\n" + chunk + "\r\n");
    }
  } catch (const std::runtime_error&) {
  }
  expect_problem(connection.read_reply(), 413, "payload-too-large");
}

TEST_F(Protocol, ExpectContinue) {
  TestConnection connection(port_);
  connection.write("POST /admin/setup/start HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  Reply interim = connection.read_reply();
  EXPECT_EQ(interim.status, 100);
  connection.write("{}");
  Reply reply = connection.read_reply();
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(Protocol, JsonTooDeep) {
  complete_setup();
  std::string body = std::string(40, '[') + std::string(40, ']');
  expect_problem(authed(verb::patch, "/v1/config", body), 400, "bad-request");
}

TEST_F(Protocol, StopClosesIdleConnections) {
  TestConnection connection(port_);
  connection.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(connection.read_reply().status, 200);

  std::promise<void> stopped;
  server_->stop([&stopped] { stopped.set_value(); });
  EXPECT_EQ(stopped.get_future().wait_for(std::chrono::seconds(20)),
            std::future_status::ready);
  EXPECT_TRUE(connection.wait_closed());
  EXPECT_EQ(server_->connection_count(), 0u);
}

class ShortTimeouts : public ApiTest {
 protected:
  HttpLimits limits() const override {
    HttpLimits limits;
    limits.idle_timeout = std::chrono::milliseconds(300);
    limits.header_timeout = std::chrono::milliseconds(300);
    limits.body_timeout = std::chrono::milliseconds(300);
    return limits;
  }
};

TEST_F(ShortTimeouts, PartialHeader) {
  TestConnection connection(port_);
  connection.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  Reply reply = connection.read_reply();
  expect_problem(reply, 408, "request-timeout");
  EXPECT_TRUE(connection.wait_closed());
}

TEST_F(ShortTimeouts, PartialBody) {
  TestConnection connection(port_);
  connection.write("POST /admin/setup/start HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Length: 10\r\n\r\n{");
  Reply reply = connection.read_reply();
  expect_problem(reply, 408, "request-timeout");
}

TEST_F(ShortTimeouts, IdleConnectionClosedQuietly) {
  TestConnection connection(port_);
  EXPECT_TRUE(connection.wait_closed());
}

class TwoConnections : public ApiTest {
 protected:
  HttpLimits limits() const override {
    HttpLimits limits;
    limits.max_connections = 2;
    return limits;
  }
};

TEST_F(TwoConnections, ThirdGets503) {
  TestConnection first(port_);
  TestConnection second(port_);
  first.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  second.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_EQ(first.read_reply().status, 200);
  ASSERT_EQ(second.read_reply().status, 200);

  TestConnection third(port_);
  Reply reply = third.read_reply();
  expect_problem(reply, 503, "unavailable");
  EXPECT_EQ(reply.header("retry-after"), "1");
}

}  // namespace
}  // namespace revaer::test
