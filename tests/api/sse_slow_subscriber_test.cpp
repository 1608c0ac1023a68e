#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/api/sse_fixture.hpp"

namespace revaer::test {
namespace {

using namespace std::chrono_literals;

// Resident memory of this process, from /proc/self/statm.
std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t pages = 0;
  std::int64_t resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

class SlowSubscriberTest : public SseTest {
 protected:
  EventBusOptions bus_options() const override {
    EventBusOptions options;
    options.retained_events = 2'000;  // 8 MiB of 4 KiB events
    return options;
  }
};

// A subscriber that stops reading is closed once its queue is full. The
// others receive every event meanwhile (resuming by id if they too get
// dropped), and memory stays bounded although far more data flows.
TEST_F(SlowSubscriberTest, StalledClientIsDroppedAndOthersKeepUp) {
  constexpr int kReaders = 3;
  constexpr int kEvents = 20'000;
  const std::string payload(4'000, 'x');  // 80 MB in total

  auto stalled = open_stream("/v1/torrents/events", {}, 4096);
  ASSERT_TRUE(wait_subscribers(1));
  const std::int64_t first_id = bus_->last_event_id() + 1;
  const std::int64_t last_id = first_id + kEvents - 1;

  std::vector<std::vector<std::int64_t>> received(kReaders);
  auto reader = [&](int index) {
    std::optional<std::int64_t> last = first_id - 1;
    auto deadline = std::chrono::steady_clock::now() + 120s;
    while (*last < last_id && std::chrono::steady_clock::now() < deadline) {
      SseClient client(port_, "/v1/torrents/events",
                       {{"x-revaer-api-key", api_key_},
                        {"Last-Event-ID", std::to_string(*last)}});
      if (client.read_header() != 200) {
        throw std::runtime_error("stream rejected: " + client.body());
      }
      while (*last < last_id) {
        std::optional<SseEvent> event;
        try {
          event = client.next(500ms);
        } catch (const std::runtime_error&) {
          continue;
        }
        if (!event) {
          break;  // dropped; resume from `last`
        }
        received[index].push_back(*event->id);
        last = event->id;
      }
    }
  };

  const std::int64_t rss_before = resident_bytes();
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back(reader, i);
  }
  std::int64_t rss_peak = rss_before;
  for (int i = 0; i < kEvents; ++i) {
    publish("fsops_progress", {}, {{"n", i}, {"filler", payload}});
    if (i % 100 == 99) {
      std::this_thread::sleep_for(1ms);
      rss_peak = std::max(rss_peak, resident_bytes());
    }
  }
  for (std::thread& thread : readers) {
    thread.join();
  }
  rss_peak = std::max(rss_peak, resident_bytes());

  // The stalled client's subscription ended while it held its socket.
  EXPECT_TRUE(wait_subscribers(0));
  EXPECT_TRUE(stalled->wait_closed(20s));

  for (int i = 0; i < kReaders; ++i) {
    SCOPED_TRACE("reader " + std::to_string(i));
    ASSERT_EQ(received[i].size(), static_cast<std::size_t>(kEvents));
    for (std::size_t j = 0; j < received[i].size(); ++j) {
      ASSERT_EQ(received[i][j], first_id + static_cast<std::int64_t>(j));
    }
  }

  // The window (8 MiB), three bounded queues and socket buffers: far less
  // than the 80 MB that flowed.
  EXPECT_LT(rss_peak - rss_before, 64 * 1024 * 1024)
      << "resident memory grew from " << rss_before << " to " << rss_peak;
}

}  // namespace
}  // namespace revaer::test
