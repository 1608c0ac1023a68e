#pragma once

#include <utility>

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "telemetry/metrics.hpp"
#include "tests/api/api_fixture.hpp"

namespace revaer::test {

// ApiTest with a MetricsRegistry in the ApiContext, so tests can read the
// counters that the HTTP edge keeps.
class EdgeTest : public ApiTest {
 protected:
  void SetUp() override {
    store_ = SqliteStore::open((dir_ / "revaer.db").string());
    ConfigDefaults defaults{(dir_ / "downloads").string(),
                            (dir_ / "resume").string(),
                            (dir_ / "library").string()};
    config_ = std::make_unique<ConfigService>(*store_, defaults);
    config_->load();

    ApiContext context{*config_, engine_, *store_, [] {}};
    context.metrics = &metrics_;
    server_ = std::make_unique<HttpServer>(io_, std::move(context), limits());
    port_ = server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0})
                .port();
    for (std::thread& thread : threads_) {
      thread = std::thread([this] { io_.run(); });
    }
  }

  // Returns the value of an unlabelled counter, 0 before its first use.
  double counter(const std::string& name) const {
    auto values = metrics_.snapshot();
    auto found = values.find(name);
    return found == values.end() ? 0 : found->second;
  }

  // Commits `changeset` with the admin key and returns the response.
  Reply patch_config(const nlohmann::json& changeset) {
    return authed(http::verb::patch, "/v1/config", changeset.dump());
  }

  // Creates or updates key `key_id` with `fields` and returns its
  // "key_id:secret" credential from issued_api_keys.
  std::string issue_key(const std::string& key_id,
                        nlohmann::json fields = nlohmann::json::object()) {
    fields["op"] = "upsert";
    fields["key_id"] = key_id;
    Reply reply = patch_config({{"api_keys", {fields}}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    nlohmann::json issued = reply.json().value("issued_api_keys",
                                               nlohmann::json::array());
    EXPECT_EQ(issued.size(), 1u) << reply.body;
    return issued.empty() ? std::string() : issued[0].get<std::string>();
  }

  Reply get_with_key(const std::string& target, const std::string& key,
                     std::uint16_t port = 0, const char* address = "127.0.0.1") {
    http::request<http::string_body> request{http::verb::get, target, 11};
    std::string host = address;
    request.set(http::field::host,
                host.find(':') == std::string::npos ? host : "[" + host + "]");
    request.set("x-revaer-api-key", key);
    TestConnection connection(port == 0 ? port_ : port, address);
    connection.send(std::move(request));
    return connection.read_reply();
  }

  MetricsRegistry metrics_;
};

// Checks the common shape of a Problem+JSON response.
inline void expect_problem_reply(const Reply& reply, int status,
                                 const std::string& type) {
  EXPECT_EQ(reply.status, status) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/problem+json");
  if (reply.header("content-type") != "application/problem+json") {
    return;
  }
  nlohmann::json body = reply.json();
  EXPECT_EQ(body.at("status"), status);
  EXPECT_EQ(body.at("type"), "urn:revaer:problem:" + type);
  EXPECT_FALSE(body.at("detail").get<std::string>().empty());
  EXPECT_EQ(body.at("request_id"), reply.header("x-request-id"));
}

}  // namespace revaer::test
