#pragma once

#include <utility>

#include <array>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/http_server.hpp"
#include "config/config_service.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tests/api/fake_engine.hpp"
#include "tests/api/test_connection.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {

// An HttpServer on 127.0.0.1:0 with a real ConfigService on a SQLite store
// in a temp dir and a FakeEngine, served by two background io threads so
// that connections really run in parallel.
class ApiTest : public ::testing::Test {
 protected:
  // Overridden by tests of the limits.
  virtual HttpLimits limits() const { return {}; }

  void SetUp() override {
    store_ = SqliteStore::open((dir_ / "revaer.db").string());
    ConfigDefaults defaults{(dir_ / "downloads").string(),
                            (dir_ / "resume").string(),
                            (dir_ / "library").string()};
    config_ = std::make_unique<ConfigService>(*store_, defaults);
    config_->load();

    ApiContext context{*config_, engine_, *store_,
                       [this] { setup_completed_calls_++; }};
    server_ = std::make_unique<HttpServer>(io_, std::move(context), limits());
    port_ = server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0})
                .port();
    for (std::thread& thread : threads_) {
      thread = std::thread([this] { io_.run(); });
    }
  }

  void TearDown() override {
    std::promise<void> stopped;
    server_->stop([&stopped] { stopped.set_value(); });
    bool clean = stopped.get_future().wait_for(std::chrono::seconds(20)) ==
                 std::future_status::ready;
    EXPECT_TRUE(clean) << "the server did not stop";
    work_.reset();
    if (!clean) {
      io_.stop();
    }
    for (std::thread& thread : threads_) {
      thread.join();
    }
    server_.reset();
  }

  Reply request(http::verb method, const std::string& target,
                const std::string& body = {}, HeaderPairs headers = {}) {
    return send_request(port_, method, target, body, headers);
  }

  Reply authed(http::verb method, const std::string& target,
               const std::string& body = {}) {
    return request(method, target, body, {{"x-revaer-api-key", api_key_}});
  }

  // Runs setup start and complete, then stores and returns the admin key.
  std::string complete_setup(const nlohmann::json& changeset = {}) {
    Reply start = request(http::verb::post, "/admin/setup/start", "{}");
    EXPECT_EQ(start.status, 200) << start.body;
    std::string token = start.json().at("token");

    Reply done = request(http::verb::post, "/admin/setup/complete",
                         changeset.is_null() ? "{}" : changeset.dump(),
                         {{"x-revaer-setup-token", token}});
    EXPECT_EQ(done.status, 200) << done.body;
    api_key_ = done.json().at("api_key");
    return api_key_;
  }

  TempDir dir_{"revaer-api-test"};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<ConfigService> config_;
  FakeEngine engine_;
  std::atomic<int> setup_completed_calls_{0};

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<
      boost::asio::io_context::executor_type>>
      work_{io_.get_executor()};
  std::unique_ptr<HttpServer> server_;
  std::array<std::thread, 2> threads_;
  std::uint16_t port_ = 0;
  std::string api_key_;
};

}  // namespace revaer::test
