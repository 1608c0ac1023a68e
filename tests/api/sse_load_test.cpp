#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "events/event_serialization.hpp"
#include "tests/api/sse_fixture.hpp"

namespace revaer::test {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kTorrents = {
    "00000000-0000-4000-8000-000000000001",
    "00000000-0000-4000-8000-000000000002",
    "00000000-0000-4000-8000-000000000003",
    "00000000-0000-4000-8000-000000000004",
    "00000000-0000-4000-8000-000000000005",
};
const std::vector<std::string> kKinds = {"torrent_added", "state_changed",
                                         "completed", "metadata_updated"};
const std::vector<std::string> kStates = {"downloading", "seeding", "stopped"};

// One subscriber's filter as the query string and as the bus matches it.
struct FilterCase {
  std::string query;
  EventFilter filter;
};

FilterCase filter_case(int index) {
  FilterCase c;
  const std::string& torrent = kTorrents[index % kTorrents.size()];
  const std::string& kind = kKinds[index % kKinds.size()];
  const std::string& state = kStates[index % kStates.size()];
  switch (index % 5) {
    case 0:
      break;
    case 1:
      c.query = "?torrent=" + torrent;
      c.filter.torrent_ids = {torrent};
      break;
    case 2:
      c.query = "?event=" + kind;
      c.filter.kinds = kind_bit(*parse_event_kind(kind));
      break;
    case 3:
      c.query = "?state=" + state;
      c.filter.states = state_bit(*parse_state_name(state));
      break;
    case 4:
      c.query = "?torrent=" + torrent + "&event=" + kind + ",state_changed";
      c.filter.torrent_ids = {torrent};
      c.filter.kinds = kind_bit(*parse_event_kind(kind)) |
                       kind_bit(EventKind::state_changed);
      break;
  }
  return c;
}

// What one subscriber thread saw over all its connections.
struct Seen {
  std::vector<std::int64_t> ids;
  int connections = 0;
  int resets = 0;
};

class SseLoadTest : public SseTest {
 protected:
  EventBusOptions bus_options() const override {
    EventBusOptions options;
    options.retained_events = 1'000'000;  // every event stays resumable
    options.max_queued_events = 512;      // slow readers get dropped
    return options;
  }
};

// 50 subscribers with different filters connect, read a while, disconnect
// and resume from their last id while a producer publishes at full speed.
// Each must see exactly the matching events after its first one: no gap,
// no duplicate, in order.
TEST_F(SseLoadTest, ResumingSubscribersSeeGapFreeSequences) {
  constexpr int kSubscribers = 50;
  constexpr int kEvents = 8'000;
  std::vector<std::int64_t> expected_last(kSubscribers, 0);
  std::atomic<bool> expected_ready{false};
  std::vector<Seen> seen(kSubscribers);

  auto subscriber = [&](int index) {
    FilterCase filter = filter_case(index);
    std::mt19937 random(static_cast<unsigned>(index));
    std::optional<std::int64_t> last;
    auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::vector<std::pair<std::string, std::string>> headers = {
          {"x-revaer-api-key", api_key_}};
      if (last) {
        headers.emplace_back("Last-Event-ID", std::to_string(*last));
      }
      SseClient client(port_, "/v1/torrents/events" + filter.query, headers);
      if (client.read_header() != 200) {
        throw std::runtime_error("stream rejected: " + client.body());
      }
      seen[index].connections++;

      int budget = 20 + static_cast<int>(random() % 400);
      while (budget-- > 0) {
        std::optional<SseEvent> event;
        try {
          event = client.next(200ms);
        } catch (const std::runtime_error&) {
          // Idle: fine while the producer runs; at the end, done?
        }
        if (expected_ready && last && *last >= expected_last[index]) {
          return;
        }
        if (!event) {
          if (client.closed()) {
            break;  // dropped by the server; resume
          }
          continue;
        }
        if (event->event == "reset") {
          seen[index].resets++;
        } else {
          seen[index].ids.push_back(*event->id);
        }
        last = event->id;
      }
    }
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < kSubscribers; ++i) {
    threads.emplace_back(subscriber, i);
  }

  // Every subscriber's first connection is open before the first event,
  // so each has a position to resume from.
  ASSERT_TRUE(wait_subscribers(kSubscribers));
  std::thread producer([&] {
    for (int i = 0; i < kEvents; ++i) {
      const std::string& torrent = kTorrents[i % kTorrents.size()];
      const std::string& kind = kKinds[(i / 5) % kKinds.size()];
      publish(kind, torrent, {{"state", kStates[(i / 3) % kStates.size()]}});
      // Short pauses spread the bursts over the subscribers' reconnects.
      if (i % 200 == 199) {
        std::this_thread::sleep_for(2ms);
      }
    }
  });
  producer.join();

  // Every event, in order, replayed from the window.
  auto reference = bus_->subscribe({}, bus_->run_start_id(), {});
  std::vector<std::shared_ptr<const EventFrame>> all;
  while (true) {
    EventSubscription::Batch batch = reference->take(4096);
    if (batch.frames.empty()) {
      break;
    }
    all.insert(all.end(), batch.frames.begin(), batch.frames.end());
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kEvents));
  for (int i = 0; i < kSubscribers; ++i) {
    EventFilter filter = filter_case(i).filter;
    for (const auto& frame : all) {
      if (filter.matches(*frame)) {
        expected_last[i] = frame->id;
      }
    }
  }
  expected_ready = true;
  for (std::thread& thread : threads) {
    thread.join();
  }

  for (int i = 0; i < kSubscribers; ++i) {
    SCOPED_TRACE("subscriber " + std::to_string(i) + " with filter '" +
                 filter_case(i).query + "'");
    const Seen& got = seen[i];
    EXPECT_EQ(got.resets, 0);
    ASSERT_FALSE(got.ids.empty());
    EXPECT_GE(got.connections, 2);

    EventFilter filter = filter_case(i).filter;
    std::vector<std::int64_t> expected;
    for (const auto& frame : all) {
      if (frame->id >= got.ids.front() && filter.matches(*frame)) {
        expected.push_back(frame->id);
      }
    }
    ASSERT_EQ(got.ids.size(), expected.size());
    for (std::size_t j = 0; j < expected.size(); ++j) {
      ASSERT_EQ(got.ids[j], expected[j]) << "position " << j;
    }
  }
}

}  // namespace
}  // namespace revaer::test
