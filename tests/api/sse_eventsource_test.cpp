#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/api/sse_fixture.hpp"
#include "tests/support/process.hpp"
#include "tests/support/source_paths.hpp"

namespace revaer::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

std::vector<json> read_records(const fs::path& path) {
  std::vector<json> records;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    json record = json::parse(line, nullptr, false);
    if (!record.is_discarded()) {
      records.push_back(std::move(record));
    }
  }
  return records;
}

std::vector<std::int64_t> event_ids(const std::vector<json>& records) {
  std::vector<std::int64_t> ids;
  for (const json& record : records) {
    std::string type = record.at("type");
    if (type != "open" && type != "error") {
      ids.push_back(std::stoll(record.at("id").get<std::string>()));
    }
  }
  return ids;
}

std::size_t count_type(const std::vector<json>& records, const char* type) {
  std::size_t count = 0;
  for (const json& record : records) {
    count += record.at("type") == type ? 1 : 0;
  }
  return count;
}

class EventSourceTest : public SseTest {
 protected:
  EventStreamOptions stream_options() const override {
    EventStreamOptions options;
    options.retry = 100ms;  // reconnect quickly after each drop
    return options;
  }

  void SetUp() override {
    SseTest::SetUp();
    fs::path client = node_client_dir();
    ASSERT_TRUE(fs::exists(client / "node_modules" / "eventsource"))
        << "the eventsource npm package is missing in " << client
        << "; run scripts/bootstrap.sh --tests";
    output_ = dir_ / "node.out";
    node_ = std::make_unique<Process>(
        std::vector<std::string>{"node", (client / "sse_client.mjs").string(),
                                 "http://127.0.0.1:" + std::to_string(port_) +
                                     "/v1/torrents/events",
                                 api_key_},
        Environment{}, output_, dir_ / "node.err");
  }

  void TearDown() override {
    if (node_) {
      node_->stop(5s);
    }
    SseTest::TearDown();
  }

  // Waits until the client printed `count` records of `type` (or events
  // when `type` is null).
  bool wait_records(std::size_t count, const char* type = nullptr) {
    return wait_until(
        [&] {
          std::vector<json> records = read_records(output_);
          return type ? count_type(records, type) >= count
                      : event_ids(records).size() >= count;
        },
        30s, 10ms);
  }

  std::string client_log() const {
    return tail_of_file(output_) + "\n" + tail_of_file(dir_ / "node.err");
  }

  fs::path output_;
  std::unique_ptr<Process> node_;
};

TEST_F(EventSourceTest, ResumesExactlyOnceAfterDrops) {
  ASSERT_TRUE(wait_records(1, "open")) << client_log();
  const std::int64_t first = bus_->last_event_id() + 1;

  for (int i = 0; i < 5; ++i) {
    publish("torrent_added", {}, {{"n", i}});
  }
  ASSERT_TRUE(wait_records(5)) << client_log();

  // Dropped with nothing in flight: the next events arrive after the
  // client reconnected with Last-Event-ID.
  bus_->close_subscriptions();
  for (int i = 5; i < 10; ++i) {
    publish("torrent_added", {}, {{"n", i}});
  }
  ASSERT_TRUE(wait_records(10)) << client_log();
  ASSERT_TRUE(wait_records(2, "open")) << client_log();

  // Dropped while a producer keeps publishing.
  constexpr int kTotal = 400;
  std::thread producer([&] {
    for (int i = 10; i < kTotal; ++i) {
      publish("progress", {}, {{"n", i}});
      std::this_thread::sleep_for(1ms);
    }
  });
  for (int drop = 0; drop < 3; ++drop) {
    std::this_thread::sleep_for(60ms);
    bus_->close_subscriptions();
  }
  producer.join();
  ASSERT_TRUE(wait_records(kTotal)) << client_log();

  std::vector<std::int64_t> ids = event_ids(read_records(output_));
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kTotal)) << client_log();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(ids[i], first + static_cast<std::int64_t>(i))
        << "event " << i << " of the client's sequence";
  }
  EXPECT_GE(count_type(read_records(output_), "open"), 3u);
}

}  // namespace
}  // namespace revaer::test
