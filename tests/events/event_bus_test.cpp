#include "events/event_bus.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_store.hpp"
#include "telemetry/metrics.hpp"
#include "tests/events/event_test_util.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

using nlohmann::json;
using test::CountingReserver;
using test::data_of;
using test::ids_of;
using test::take_all;

EventInput event(const std::string& kind, const std::string& torrent = {},
                 json data = json::object()) {
  EventInput input;
  input.kind = kind;
  input.data = std::move(data);
  if (!torrent.empty()) {
    input.torrent_id = torrent;
  }
  return input;
}

EventBusOptions quiet_options() {
  EventBusOptions options;
  options.background_flush = false;
  return options;
}

TEST(EventBus, IdsIncreaseFromRunStart) {
  CountingReserver reserver(100);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  EXPECT_EQ(bus.run_start_id(), 100);
  EXPECT_EQ(bus.last_event_id(), 100);

  auto subscription = bus.subscribe({}, std::nullopt, {});
  bus.publish(event("torrent_added", "t1"));
  bus.publish(event("settings_changed"));
  auto frames = take_all(*subscription);
  EXPECT_EQ(ids_of(frames), (std::vector<std::int64_t>{101, 102}));
  EXPECT_EQ(bus.last_event_id(), 102);
}

TEST(EventBus, FrameHasSseLinesAndDataShape) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  auto subscription = bus.subscribe({}, std::nullopt, {});

  EventInput input = event("state_changed", "t1", {{"state", "seeding"}});
  input.request_id = "req-1";
  bus.publish(std::move(input));

  auto frames = take_all(*subscription);
  ASSERT_EQ(frames.size(), 1u);
  const std::string& text = frames[0]->text;
  EXPECT_EQ(text.rfind("id: 2\nevent: state_changed\ndata: {", 0), 0u) << text;
  EXPECT_EQ(text.substr(text.size() - 2), "\n\n");

  json line = data_of(*frames[0]);
  EXPECT_EQ(line.at("id"), 2);
  EXPECT_EQ(line.at("kind"), "state_changed");
  EXPECT_TRUE(line.at("at").is_string());
  EXPECT_EQ(line.at("request_id"), "req-1");
  EXPECT_EQ(line.at("data").at("state"), "seeding");
  EXPECT_EQ(line.at("data").at("torrent_id"), "t1");
  EXPECT_EQ(frames[0]->state, TorrentState::seeding);
}

TEST(EventBus, DataWithNewlinesStaysOneDataLine) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  auto subscription = bus.subscribe({}, std::nullopt, {});
  bus.publish(event("fsops_failed", "t1", {{"error", "line1\nline2\r\n"}}));

  auto frames = take_all(*subscription);
  ASSERT_EQ(frames.size(), 1u);
  const std::string& text = frames[0]->text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(data_of(*frames[0]).at("data").at("error"), "line1\nline2\r\n");
}

TEST(EventBus, UnknownKindIsDropped) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  auto subscription = bus.subscribe({}, std::nullopt, {});
  bus.publish(event("no_such_kind"));
  bus.publish(event("completed", "t1"));
  auto frames = take_all(*subscription);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0]->kind, EventKind::completed);
}

TEST(EventBus, ReplaysRetainedEventsAfterId) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  for (int i = 0; i < 5; ++i) {
    bus.publish(event("torrent_added", "t" + std::to_string(i)));
  }

  auto subscription = bus.subscribe({}, 3, {});
  bus.publish(event("torrent_removed", "t0"));
  auto frames = take_all(*subscription);
  EXPECT_EQ(ids_of(frames), (std::vector<std::int64_t>{4, 5, 6, 7}));
}

TEST(EventBus, NoIdMeansLiveOnly) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  bus.publish(event("torrent_added", "t1"));
  auto subscription = bus.subscribe({}, std::nullopt, {});
  EXPECT_TRUE(take_all(*subscription).empty());
  bus.publish(event("torrent_added", "t2"));
  EXPECT_EQ(ids_of(take_all(*subscription)), (std::vector<std::int64_t>{3}));
}

TEST(EventBus, CurrentIdResumesWithoutReset) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  auto at_start = bus.subscribe({}, bus.run_start_id(), {});
  EXPECT_TRUE(take_all(*at_start).empty());

  bus.publish(event("torrent_added", "t1"));
  auto at_newest = bus.subscribe({}, bus.last_event_id(), {});
  EXPECT_TRUE(take_all(*at_newest).empty());
}

TEST(EventBus, ResetReplaysRetainedEventsOfThisRun) {
  test::TempDir dir("revaer-events-test");
  auto store = SqliteStore::open((dir / "revaer.db").string());
  std::int64_t old_id = 0;
  {
    EventBus first(store_event_ids(*store), nullptr, quiet_options());
    first.publish(event("torrent_added", "t1"));
    old_id = first.last_event_id();
  }
  EventBus second(store_event_ids(*store), nullptr, quiet_options());
  second.publish(event("torrent_added", "t2"));
  second.publish(event("torrent_added", "t3"));
  auto subscription = second.subscribe({}, old_id, {});
  const std::int64_t start = second.run_start_id();
  EXPECT_EQ(ids_of(take_all(*subscription)),
            (std::vector<std::int64_t>{start, start + 1, start + 2}));
}

TEST(EventBus, IdFromEarlierRunGetsReset) {
  test::TempDir dir("revaer-events-test");
  auto store = SqliteStore::open((dir / "revaer.db").string());
  std::int64_t old_id = 0;
  {
    EventBus first(store_event_ids(*store), nullptr, quiet_options());
    first.publish(event("torrent_added", "t1"));
    old_id = first.last_event_id();
  }

  EventBus second(store_event_ids(*store), nullptr, quiet_options());
  EXPECT_GT(second.run_start_id(), old_id);
  auto subscription = second.subscribe({}, old_id, {});
  second.publish(event("torrent_added", "t2"));

  auto frames = take_all(*subscription);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_FALSE(frames[0]->kind.has_value());
  EXPECT_EQ(frames[0]->id, second.run_start_id());
  json reset = data_of(*frames[0]);
  EXPECT_EQ(reset.at("kind"), "reset");
  EXPECT_EQ(reset.at("data").at("reason"), "restart");
  EXPECT_EQ(reset.at("data").at("requested_id"), old_id);
  EXPECT_EQ(frames[1]->id, second.run_start_id() + 1);
  EXPECT_GT(frames[1]->id, old_id);
}

TEST(EventBus, IdOlderThanWindowGetsReset) {
  CountingReserver reserver(1);
  EventBusOptions options = quiet_options();
  options.retained_events = 3;
  EventBus bus(reserver.function(), nullptr, options);
  for (int i = 0; i < 6; ++i) {
    bus.publish(event("torrent_added", "t" + std::to_string(i)));
  }

  // Events 2..7 were published and 5..7 are retained, so 4 still resumes.
  auto resumable = bus.subscribe({}, 4, {});
  EXPECT_EQ(ids_of(take_all(*resumable)), (std::vector<std::int64_t>{5, 6, 7}));

  // 3 would need event 4, which is gone: reset at 4, then 5..7.
  auto too_old = bus.subscribe({}, 3, {});
  auto frames = take_all(*too_old);
  EXPECT_EQ(ids_of(frames), (std::vector<std::int64_t>{4, 5, 6, 7}));
  json reset = data_of(*frames[0]);
  EXPECT_EQ(reset.at("kind"), "reset");
  EXPECT_EQ(reset.at("data").at("reason"), "window");
  EXPECT_EQ(reset.at("data").at("requested_id"), 3);
  EXPECT_EQ(reset.at("data").at("oldest_id"), 5);
}

TEST(EventBus, UnknownFutureIdGetsReset) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  bus.publish(event("torrent_added", "t1"));
  auto subscription = bus.subscribe({}, 1000, {});
  auto frames = take_all(*subscription);
  EXPECT_EQ(ids_of(frames), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(data_of(*frames[0]).at("data").at("reason"), "unknown_id");
}

TEST(EventBus, FiltersByKindTorrentAndState) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  EventFilter by_kind;
  by_kind.kinds = kind_bit(EventKind::state_changed);
  EventFilter by_torrent;
  by_torrent.torrent_ids = {"t2"};
  EventFilter by_state;
  by_state.states = state_bit(TorrentState::seeding);
  auto kinds = bus.subscribe(by_kind, std::nullopt, {});
  auto torrents = bus.subscribe(by_torrent, std::nullopt, {});
  auto states = bus.subscribe(by_state, std::nullopt, {});

  bus.publish(event("torrent_added", "t1"));                           // 2
  bus.publish(event("state_changed", "t1", {{"state", "seeding"}}));   // 3
  bus.publish(event("state_changed", "t2", {{"state", "stopped"}}));   // 4
  bus.publish(event("torrent_removed", "t2"));                         // 5
  bus.publish(event("settings_changed"));                              // 6

  EXPECT_EQ(ids_of(take_all(*kinds)), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(ids_of(take_all(*torrents)), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(ids_of(take_all(*states)), (std::vector<std::int64_t>{3}));
}

TEST(EventBus, ReplayAppliesFilter) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  bus.publish(event("torrent_added", "t1"));  // 2
  bus.publish(event("torrent_added", "t2"));  // 3
  bus.publish(event("completed", "t2"));      // 4
  EventFilter filter;
  filter.torrent_ids = {"t2"};
  auto subscription = bus.subscribe(filter, 1, {});
  EXPECT_EQ(ids_of(take_all(*subscription)), (std::vector<std::int64_t>{3, 4}));
}

TEST(EventBus, OverflowClosesOnlyTheSlowSubscriber) {
  CountingReserver reserver(1);
  EventBusOptions options = quiet_options();
  options.max_queued_events = 4;
  EventBus bus(reserver.function(), nullptr, options);
  std::atomic<int> slow_wakes{0};
  auto slow = bus.subscribe({}, std::nullopt, [&] { slow_wakes++; });
  auto fast = bus.subscribe({}, std::nullopt, {});
  take_all(*slow);

  std::vector<std::int64_t> fast_ids;
  for (int i = 0; i < 10; ++i) {
    bus.publish(event("torrent_added", "t" + std::to_string(i)));
    for (const auto& frame : take_all(*fast)) {
      fast_ids.push_back(frame->id);
    }
  }

  EXPECT_EQ(fast_ids.size(), 10u);
  EXPECT_EQ(slow->end_reason(), SubscriptionEnd::overflow);
  EXPECT_EQ(slow_wakes.load(), 2);  // first frame, then the end
  EventSubscription::Batch batch = slow->take(100);
  EXPECT_TRUE(batch.ended);
  EXPECT_TRUE(batch.frames.empty());
  EXPECT_EQ(fast->end_reason(), SubscriptionEnd::open);
}

TEST(EventBus, ByteBoundClosesSubscriber) {
  CountingReserver reserver(1);
  EventBusOptions options = quiet_options();
  options.max_queued_bytes = 1000;
  EventBus bus(reserver.function(), nullptr, options);
  auto slow = bus.subscribe({}, std::nullopt, {});
  bus.publish(event("fsops_failed", "t1", {{"error", std::string(600, 'x')}}));
  EXPECT_EQ(slow->end_reason(), SubscriptionEnd::open);
  bus.publish(event("fsops_failed", "t1", {{"error", std::string(600, 'x')}}));
  EXPECT_EQ(slow->end_reason(), SubscriptionEnd::overflow);
}

TEST(EventBus, WakesOnceUntilDrained) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  std::atomic<int> wakes{0};
  auto subscription = bus.subscribe({}, std::nullopt, [&] { wakes++; });
  EXPECT_TRUE(take_all(*subscription).empty());

  bus.publish(event("torrent_added", "t1"));
  bus.publish(event("torrent_added", "t2"));
  EXPECT_EQ(wakes.load(), 1);

  EventSubscription::Batch partial = subscription->take(1);
  EXPECT_EQ(partial.frames.size(), 1u);
  bus.publish(event("torrent_added", "t3"));
  EXPECT_EQ(wakes.load(), 1);  // frames remain, so no new wake

  EXPECT_EQ(take_all(*subscription).size(), 2u);
  bus.publish(event("torrent_added", "t4"));
  EXPECT_EQ(wakes.load(), 2);
}

TEST(EventBus, LaggingReplayEndsSubscription) {
  CountingReserver reserver(1);
  EventBusOptions options = quiet_options();
  options.retained_events = 4;
  EventBus bus(reserver.function(), nullptr, options);
  for (int i = 0; i < 4; ++i) {
    bus.publish(event("torrent_added", "t" + std::to_string(i)));
  }
  auto subscription = bus.subscribe({}, 1, {});
  for (int i = 0; i < 4; ++i) {
    bus.publish(event("torrent_removed", "t" + std::to_string(i)));
  }
  EventSubscription::Batch batch = subscription->take(100);
  EXPECT_TRUE(batch.ended);
  EXPECT_EQ(subscription->end_reason(), SubscriptionEnd::lagged);
}

TEST(EventBus, CloseSubscriptionsEndsAll) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  std::atomic<int> wakes{0};
  auto a = bus.subscribe({}, std::nullopt, [&] { wakes++; });
  auto b = bus.subscribe({}, std::nullopt, [&] { wakes++; });
  bus.close_subscriptions();
  EXPECT_EQ(wakes.load(), 2);
  EXPECT_TRUE(a->take(10).ended);
  EXPECT_EQ(b->end_reason(), SubscriptionEnd::closed);
}

TEST(EventBus, DestroyedSubscriptionUnsubscribes) {
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), nullptr, quiet_options());
  auto subscription = bus.subscribe({}, std::nullopt, {});
  EXPECT_EQ(bus.subscriber_count(), 1u);
  subscription.reset();
  EXPECT_EQ(bus.subscriber_count(), 0u);
}

TEST(EventBus, SubscriptionOutlivesBus) {
  CountingReserver reserver(1);
  std::shared_ptr<EventSubscription> subscription;
  {
    EventBus bus(reserver.function(), nullptr, quiet_options());
    subscription = bus.subscribe({}, std::nullopt, {});
  }
  EXPECT_TRUE(subscription->take(10).ended);
  EXPECT_EQ(subscription->end_reason(), SubscriptionEnd::closed);
}

TEST(EventBus, ReservesNextBlockWhenUsedUp) {
  CountingReserver reserver(10);
  EventBusOptions options = quiet_options();
  options.id_block = 3;
  EventBus bus(reserver.function(), nullptr, options);
  auto subscription = bus.subscribe({}, std::nullopt, {});
  for (int i = 0; i < 6; ++i) {
    bus.publish(event("torrent_added", "t" + std::to_string(i)));
  }
  // Block 10..12 (10 marks the run start), then 13..15, then 16..18.
  EXPECT_EQ(ids_of(take_all(*subscription)),
            (std::vector<std::int64_t>{11, 12, 13, 14, 15, 16}));
  EXPECT_EQ(reserver.calls(), 3);
}

TEST(EventBus, ReservationFailureDropsEvent) {
  CountingReserver reserver(1);
  EventBusOptions options = quiet_options();
  options.id_block = 2;
  EventBus bus(reserver.function(), nullptr, options);
  auto subscription = bus.subscribe({}, std::nullopt, {});
  bus.publish(event("torrent_added", "t1"));  // 2, the block's last id
  reserver.fail_next(true);
  bus.publish(event("torrent_added", "t2"));
  reserver.fail_next(false);
  bus.publish(event("torrent_added", "t3"));
  std::vector<std::int64_t> ids = ids_of(take_all(*subscription));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], 2);
  EXPECT_GT(ids[1], 2);
}

TEST(EventBus, CountsEmittedEventsByType) {
  MetricsRegistry metrics;
  CountingReserver reserver(1);
  EventBus bus(reserver.function(), &metrics, quiet_options());
  bus.publish(event("torrent_added", "t1"));
  bus.publish(event("torrent_added", "t2"));
  bus.publish(event("settings_changed"));

  std::string text = metrics.render();
  EXPECT_NE(text.find("events_emitted_total{type=\"torrent_added\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("events_emitted_total{type=\"settings_changed\"} 1"),
            std::string::npos)
      << text;
}

TEST(EventBus, CountsDroppedSubscribers) {
  MetricsRegistry metrics;
  CountingReserver reserver(1);
  EventBusOptions options = quiet_options();
  options.max_queued_events = 1;
  EventBus bus(reserver.function(), &metrics, options);
  auto slow = bus.subscribe({}, std::nullopt, {});
  bus.publish(event("torrent_added", "t1"));
  bus.publish(event("torrent_added", "t2"));
  EXPECT_NE(metrics.render().find(
                "event_subscribers_dropped_total{reason=\"overflow\"} 1"),
            std::string::npos)
      << metrics.render();
}

TEST(EventBus, StoreIdsSurviveReopen) {
  test::TempDir dir("revaer-events-test");
  std::int64_t first = 0;
  {
    auto store = SqliteStore::open((dir / "revaer.db").string());
    EventIdReserver reserve = store_event_ids(*store);
    first = reserve(100);
    EXPECT_EQ(reserve(5), first + 100);
  }
  auto reopened = SqliteStore::open((dir / "revaer.db").string());
  EXPECT_EQ(store_event_ids(*reopened)(1), first + 105);
}

// Subscribing while a producer publishes: replay and live meet without a
// gap or a duplicate, whatever id the subscriber resumes from.
TEST(EventBus, HandoverUnderConcurrentPublishing) {
  CountingReserver reserver(1);
  EventBusOptions options = quiet_options();
  options.retained_events = 100'000;
  options.max_queued_events = 100'000;
  options.max_queued_bytes = 256 * 1024 * 1024;
  EventBus bus(reserver.function(), nullptr, options);

  constexpr int kEvents = 20'000;
  std::thread producer([&] {
    for (int i = 0; i < kEvents; ++i) {
      bus.publish(event("torrent_added", "t" + std::to_string(i % 7)));
    }
  });

  std::vector<std::shared_ptr<EventSubscription>> subscriptions;
  std::vector<std::int64_t> resumed_from;
  while (subscriptions.size() < 40) {
    std::int64_t last = bus.last_event_id();
    std::int64_t from = std::max<std::int64_t>(1, last - 50);
    subscriptions.push_back(bus.subscribe({}, from, {}));
    resumed_from.push_back(from);
    std::this_thread::yield();
  }
  producer.join();

  const std::int64_t last = bus.last_event_id();
  for (std::size_t i = 0; i < subscriptions.size(); ++i) {
    std::vector<std::int64_t> ids = ids_of(take_all(*subscriptions[i]));
    ASSERT_EQ(static_cast<std::int64_t>(ids.size()), last - resumed_from[i])
        << "subscription " << i;
    for (std::size_t j = 0; j < ids.size(); ++j) {
      ASSERT_EQ(ids[j], resumed_from[i] + 1 + static_cast<std::int64_t>(j));
    }
  }
}

}  // namespace
}  // namespace revaer
