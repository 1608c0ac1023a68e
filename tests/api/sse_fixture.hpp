#pragma once

#include <utility>

#include <array>
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
#include "api/sse_service.hpp"
#include "config/config_service.hpp"
#include "events/event_bus.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tests/api/fake_engine.hpp"
#include "tests/api/sse_client.hpp"
#include "tests/api/test_connection.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {

// An HttpServer on 127.0.0.1:0 with an EventBus and the SSE routes, a real
// ConfigService on SQLite with setup completed, and two io threads.
class SseTest : public ::testing::Test {
 protected:
  // Overridden by tests that need other bounds.
  virtual EventBusOptions bus_options() const { return {}; }
  virtual EventStreamOptions stream_options() const { return {}; }
  virtual HttpLimits limits() const { return {}; }

  void SetUp() override {
    store_ = SqliteStore::open((dir_ / "revaer.db").string());
    config_ = std::make_unique<ConfigService>(
        *store_, ConfigDefaults{(dir_ / "downloads").string(),
                                (dir_ / "resume").string(),
                                (dir_ / "library").string()});
    config_->load();
    Result<SetupTicket> ticket = config_->start_setup("test", std::nullopt);
    ASSERT_TRUE(ticket.ok());
    Result<SetupCompletion> done = config_->complete_setup(
        ticket.value().token, nlohmann::json::object());
    ASSERT_TRUE(done.ok());
    api_key_ = done.value().api_key;

    bus_ = std::make_unique<EventBus>(store_event_ids(*store_), nullptr,
                                      bus_options());
    streams_ = std::make_unique<EventStreams>(*bus_, stream_options());
    ApiContext context{*config_, engine_, *store_, {}};
    context.events = streams_.get();
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
    streams_.reset();
    bus_.reset();
  }

  // Opens an event stream with the API key and reads its header.
  std::unique_ptr<SseClient> open_stream(
      const std::string& target = "/v1/torrents/events",
      std::vector<std::pair<std::string, std::string>> headers = {},
      int receive_buffer = 0) {
    headers.emplace_back("x-revaer-api-key", api_key_);
    auto client =
        std::make_unique<SseClient>(port_, target, headers, receive_buffer);
    int status = client->read_header();
    EXPECT_EQ(status, 200) << client->body();
    return client;
  }

  // Waits until `count` subscriptions are registered on the bus.
  bool wait_subscribers(std::size_t count) {
    return wait_until([&] { return bus_->subscriber_count() == count; },
                      std::chrono::seconds(20), std::chrono::milliseconds(5));
  }

  void publish(const std::string& kind, const std::string& torrent = {},
               nlohmann::json data = nlohmann::json::object()) {
    EventInput input;
    input.kind = kind;
    input.data = std::move(data);
    if (!torrent.empty()) {
      input.torrent_id = torrent;
    }
    bus_->publish(std::move(input));
  }

  TempDir dir_{"revaer-sse-test"};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<ConfigService> config_;
  FakeEngine engine_;
  std::unique_ptr<EventBus> bus_;
  std::unique_ptr<EventStreams> streams_;

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
