#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "events/event_bus.hpp"
#include "tests/events/event_test_util.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::data_of;
using test::take_all;
using SteadyTime = std::chrono::steady_clock::time_point;

EventInput progress(const std::string& torrent, int percent) {
  EventInput input;
  input.kind = "progress";
  input.torrent_id = torrent;
  input.data = {{"percent_complete", percent}, {"state", "downloading"}};
  return input;
}

int percent_of(const EventFrame& frame) {
  return data_of(frame).at("data").at("percent_complete").get<int>();
}

// A bus on a hand-driven clock, flushed by the test.
class ProgressTest : public ::testing::Test {
 protected:
  ProgressTest() {
    EventBusOptions options;
    options.background_flush = false;
    options.clock = [this] { return now_; };
    bus_ = std::make_unique<EventBus>(reserver_.function(), nullptr, options);
    subscription_ = bus_->subscribe({}, std::nullopt, {});
  }

  std::vector<std::shared_ptr<const EventFrame>> frames() {
    return take_all(*subscription_);
  }

  SteadyTime now_ = SteadyTime(1h);
  test::CountingReserver reserver_{1};
  std::unique_ptr<EventBus> bus_;
  std::shared_ptr<EventSubscription> subscription_;
};

TEST_F(ProgressTest, BurstKeepsFirstAndFinal) {
  for (int percent = 0; percent <= 50; ++percent) {
    bus_->publish(progress("t1", percent));
  }
  auto first = frames();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(percent_of(*first[0]), 0);

  bus_->flush_progress();  // not due yet
  EXPECT_TRUE(frames().empty());

  now_ += 100ms;
  bus_->flush_progress();
  auto last = frames();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(percent_of(*last[0]), 50);
}

TEST_F(ProgressTest, AtMostOnePerIntervalPerTorrent) {
  int emitted = 0;
  for (int step = 0; step < 100; ++step) {  // 1 s in 10 ms steps
    bus_->publish(progress("t1", step));
    bus_->flush_progress();
    emitted += static_cast<int>(frames().size());
    now_ += 10ms;
  }
  EXPECT_GE(emitted, 9);
  EXPECT_LE(emitted, 10);
}

TEST_F(ProgressTest, TorrentsAreCoalescedSeparately) {
  bus_->publish(progress("t1", 1));
  bus_->publish(progress("t2", 1));
  bus_->publish(progress("t1", 2));
  bus_->publish(progress("t2", 2));
  auto now = frames();
  ASSERT_EQ(now.size(), 2u);
  EXPECT_EQ(now[0]->torrent_id, "t1");
  EXPECT_EQ(now[1]->torrent_id, "t2");

  now_ += 100ms;
  bus_->flush_progress();
  auto later = frames();
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(percent_of(*later[0]) + percent_of(*later[1]), 4);
}

TEST_F(ProgressTest, OtherEventFlushesHeldProgressFirst) {
  bus_->publish(progress("t1", 10));
  bus_->publish(progress("t1", 99));
  EventInput completed;
  completed.kind = "completed";
  completed.torrent_id = "t1";
  bus_->publish(completed);

  auto all = frames();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(percent_of(*all[1]), 99);
  EXPECT_EQ(all[2]->kind, EventKind::completed);
}

TEST_F(ProgressTest, RemovalForgetsTorrent) {
  bus_->publish(progress("t1", 10));
  bus_->publish(progress("t1", 20));
  EventInput removed;
  removed.kind = "torrent_removed";
  removed.torrent_id = "t1";
  bus_->publish(removed);
  EXPECT_EQ(frames().size(), 3u);

  // A torrent added again with the same id starts without a held value.
  bus_->publish(progress("t1", 0));
  EXPECT_EQ(frames().size(), 1u);
}

TEST_F(ProgressTest, ProgressWithoutTorrentIsNotCoalesced) {
  EventInput input;
  input.kind = "progress";
  bus_->publish(input);
  bus_->publish(input);
  EXPECT_EQ(frames().size(), 2u);
}

// The background thread delivers the final value without any other event.
TEST(ProgressFlushThread, DeliversFinalValue) {
  test::CountingReserver reserver(1);
  EventBusOptions options;
  options.progress_interval = 50ms;
  EventBus bus(reserver.function(), nullptr, options);
  auto subscription = bus.subscribe({}, std::nullopt, {});
  for (int percent = 0; percent <= 100; ++percent) {
    bus.publish(progress("t1", percent));
  }

  int last = -1;
  bool done = test::wait_until(
      [&] {
        for (const auto& frame : take_all(*subscription)) {
          last = percent_of(*frame);
        }
        return last == 100;
      },
      10s, 10ms);
  EXPECT_TRUE(done) << "last value delivered: " << last;
}

}  // namespace
}  // namespace revaer
