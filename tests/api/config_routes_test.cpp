// GET and PATCH /v1/config over HTTP: ETag and If-Match, 412 for a stale
// revision, 422 with JSON Pointers, redacted secrets, and 503 with the
// last snapshot still served while PostgreSQL is down.

#include <string>

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.hpp"
#include "tests/api/api_fixture.hpp"
#include "tests/store/postgres_server.hpp"

namespace revaer::test {
namespace {

using http::verb;
using Json = nlohmann::json;

std::string quoted(std::int64_t revision) {
  return "\"" + std::to_string(revision) + "\"";
}

class ConfigRoutes : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    complete_setup();
  }

  std::int64_t current_revision() {
    Reply reply = authed(verb::get, "/v1/config");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json().at("revision").get<std::int64_t>();
  }

  Reply patch(const std::string& target, const Json& body,
              const std::string& if_match = {}) {
    HeaderPairs headers = {{"x-revaer-api-key", api_key_}};
    if (!if_match.empty()) {
      headers.emplace_back("if-match", if_match);
    }
    return request(verb::patch, target, body.dump(), headers);
  }
};

TEST_F(ConfigRoutes, GetCarriesRevisionEtag) {
  Reply reply = authed(verb::get, "/v1/config");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("etag"), quoted(reply.json().at("revision")));
}

TEST_F(ConfigRoutes, CurrentIfMatchCommits) {
  const std::int64_t before = current_revision();
  Reply reply = patch("/v1/config", {{"engine_profile", {{"max_active", 2}}}},
                      quoted(before));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json().at("revision"), before + 1);
  EXPECT_EQ(reply.header("etag"), quoted(before + 1));
  EXPECT_EQ(reply.json().at("engine_profile").at("max_active"), 2);
}

TEST_F(ConfigRoutes, StaleIfMatchIsPreconditionFailed) {
  const std::int64_t before = current_revision();
  for (const std::string& stale :
       {quoted(before - 1), std::to_string(before + 5), "W/" + quoted(0)}) {
    Reply reply = patch("/admin/settings",
                        {{"engine_profile", {{"max_active", 2}}}}, stale);
    EXPECT_EQ(reply.status, 412) << stale << ": " << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/problem+json");
    EXPECT_EQ(reply.json().at("type"),
              "urn:revaer:problem:precondition-failed");
    EXPECT_EQ(reply.json().at("revision"), before);
  }
  EXPECT_EQ(current_revision(), before);
  EXPECT_EQ(config_->snapshot()->engine_profile.at("max_active"), 8);
}

TEST_F(ConfigRoutes, WildcardIfMatchCommits) {
  const std::int64_t before = current_revision();
  Reply reply =
      patch("/v1/config", {{"fs_policy", {{"extract", true}}}}, "*");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(current_revision(), before + 1);
}

TEST_F(ConfigRoutes, MalformedIfMatchIsBadRequest) {
  const std::int64_t before = current_revision();
  for (const char* bad : {"\"abc\"", "-1", "\"1\", \"2\"", "\"\""}) {
    Reply reply =
        patch("/v1/config", {{"fs_policy", {{"extract", true}}}}, bad);
    EXPECT_EQ(reply.status, 400) << bad << ": " << reply.body;
  }
  EXPECT_EQ(current_revision(), before);
}

TEST_F(ConfigRoutes, InvalidChangesetIsUnprocessable) {
  const std::int64_t before = current_revision();
  Reply reply = patch("/v1/config",
                      {{"engine_profile", {{"listen_port", 70000}}},
                       {"fs_policy", {{"extract", true}}}});
  ASSERT_EQ(reply.status, 422) << reply.body;
  const Json params = reply.json().at("invalid_params");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].at("pointer"), "/engine_profile/listen_port");
  EXPECT_EQ(current_revision(), before);
  EXPECT_EQ(config_->snapshot()->fs_policy.at("extract"), false);
}

TEST_F(ConfigRoutes, SecretsAreNeverShown) {
  const std::string value = "do-not-show-this-secret";
  Reply reply = patch(
      "/v1/config",
      {{"secrets", {{{"op", "set"}, {"name", "proxy"}, {"value", value}}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body.find(value), std::string::npos);
  Reply read = authed(verb::get, "/v1/config");
  EXPECT_EQ(read.body.find(value), std::string::npos);
  EXPECT_EQ(read.body.find("secret_sha256"), std::string::npos);
}

TEST_F(ConfigRoutes, WellKnownFollowsCommits) {
  const std::int64_t before = current_revision();
  ASSERT_EQ(patch("/v1/config", {{"fs_policy", {{"flatten", true}}}}).status,
            200);
  Reply well_known = request(verb::get, "/.well-known/revaer.json");
  ASSERT_EQ(well_known.status, 200);
  EXPECT_EQ(well_known.json().at("revision"), before + 1);
  EXPECT_EQ(well_known.json().at("mode"), "active");
}

// An HttpServer on a PostgreSQL store whose server the test stops and
// starts again.
class ConfigRoutesOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = PostgresStore::open(server_.create_database());
    config_ = std::make_unique<ConfigService>(
        *store_, ConfigDefaults{"/data/downloads", "/data/resume",
                                "/data/library"});
    config_->load();
    server_http_ = std::make_unique<HttpServer>(
        io_, ApiContext{*config_, engine_, *store_, nullptr});
    port_ = server_http_
                ->listen({boost::asio::ip::make_address("127.0.0.1"), 0})
                .port();
    thread_ = std::thread([this] { io_.run(); });

    Reply start = send_request(port_, verb::post, "/admin/setup/start", "{}");
    ASSERT_EQ(start.status, 200) << start.body;
    Reply done = send_request(
        port_, verb::post, "/admin/setup/complete", "{}",
        {{"x-revaer-setup-token", start.json().at("token").get<std::string>()}});
    ASSERT_EQ(done.status, 200) << done.body;
    key_ = done.json().at("api_key");
  }

  void TearDown() override {
    server_http_->stop();
    work_.reset();
    thread_.join();
  }

  Reply get(const std::string& target) {
    return send_request(port_, verb::get, target, {},
                        {{"x-revaer-api-key", key_}});
  }

  Reply patch(const Json& body) {
    return send_request(port_, verb::patch, "/v1/config", body.dump(),
                        {{"x-revaer-api-key", key_}});
  }

  PostgresServer server_;
  std::unique_ptr<PostgresStore> store_;
  std::unique_ptr<ConfigService> config_;
  FakeEngine engine_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<
      boost::asio::io_context::executor_type>>
      work_{io_.get_executor()};
  std::unique_ptr<HttpServer> server_http_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::string key_;
};

TEST_F(ConfigRoutesOnPostgres, OutageAnswers503AndRecovers) {
  ASSERT_EQ(patch({{"engine_profile", {{"max_active", 2}}}}).status, 200);
  const std::int64_t before = config_->snapshot()->revision;

  server_.stop();
  Reply health = get("/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.json().at("degraded"), Json({"database"}));

  Reply write = patch({{"engine_profile", {{"max_active", 3}}}});
  EXPECT_EQ(write.status, 503) << write.body;
  EXPECT_EQ(write.header("content-type"), "application/problem+json");

  Reply read = get("/v1/config");  // the last snapshot, and the key still works
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("revision"), before);
  EXPECT_EQ(read.json().at("engine_profile").at("max_active"), 2);

  server_.start();
  EXPECT_EQ(get("/health").status, 200);
  Reply retried = patch({{"engine_profile", {{"max_active", 3}}}});
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json().at("revision"), before + 1);
}

}  // namespace
}  // namespace revaer::test
