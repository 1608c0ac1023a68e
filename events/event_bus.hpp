#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "events/event_frame.hpp"
#include "events/event_publisher.hpp"

namespace revaer {

class MetricsRegistry;
class Store;

namespace events_detail {
struct BusCore;
struct Subscriber;
}  // namespace events_detail

// Reserves `count` consecutive event ids that no earlier call has handed
// out, in this process or an earlier one, and returns the first. Throws
// (StoreError, typically) when the ids cannot be reserved.
using EventIdReserver = std::function<std::int64_t(std::int64_t count)>;

// Returns a reserver backed by the store's persistent event id counter.
// `store` must outlive the reserver.
EventIdReserver store_event_ids(Store& store);

struct EventBusOptions {
  // Size of the replay window: the newest events kept for Last-Event-ID.
  std::size_t retained_events = 10'000;
  // Bounds on the live events queued for one subscriber that has not
  // taken them yet. A subscriber past either bound is closed.
  std::size_t max_queued_events = 4'096;
  std::size_t max_queued_bytes = 8 * 1024 * 1024;
  // Minimum time between two progress events of one torrent.
  std::chrono::milliseconds progress_interval{100};
  // Ids reserved from the EventIdReserver at a time.
  std::int64_t id_block = 100'000;
  // The time source of progress coalescing; steady_clock::now when empty.
  std::function<std::chrono::steady_clock::time_point()> clock;
  // Runs a thread that emits held-back progress events when they are due.
  // Without it, the owner calls flush_progress().
  bool background_flush = true;
};

// The reason a subscription stopped delivering events.
enum class SubscriptionEnd {
  open,       // still delivering
  overflow,   // the subscriber fell more than the queue bounds behind
  lagged,     // replayed events left the window before they were taken
  closed,     // close_subscriptions() or the bus was destroyed
};

// One subscriber's ordered view of the bus. Thread-safe, but meant for one
// consumer. Unsubscribes when destroyed.
class EventSubscription {
 public:
  struct Batch {
    // In id order: the reset notice first when there is one, then replayed
    // events, then live ones. Each event appears at most once.
    std::vector<std::shared_ptr<const EventFrame>> frames;
    // More frames are ready: take again before waiting for a wake.
    bool more = false;
    // No frames will follow. Frames queued at that moment are dropped: the
    // client resumes from the last id it received.
    bool ended = false;
  };

  ~EventSubscription();
  EventSubscription(const EventSubscription&) = delete;
  EventSubscription& operator=(const EventSubscription&) = delete;

  // Takes up to `max_frames` frames. The bus calls the subscription's wake
  // callback for the next frame only after a take() left nothing behind
  // (Batch::more is false). So the consumer takes again while `more` is
  // set, and waits for a wake after that.
  Batch take(std::size_t max_frames);

  // How the subscription ended, or SubscriptionEnd::open.
  SubscriptionEnd end_reason() const;

 private:
  friend class EventBus;
  EventSubscription(std::weak_ptr<events_detail::BusCore> core,
                    std::shared_ptr<events_detail::Subscriber> subscriber);

  std::weak_ptr<events_detail::BusCore> core_;
  std::shared_ptr<events_detail::Subscriber> subscriber_;
};

// The daemon's event bus: gives each event an id and a time, coalesces
// progress, keeps the replay window and fans every event out to the
// subscriptions whose filter matches, as one frame serialised once.
//
// Ids increase monotonically and never repeat across restarts, because
// they come in blocks from the EventIdReserver. The first id of the first
// block (run_start_id()) is never given to an event: it marks the start
// of this run, so a client's id older than it is from an earlier run.
//
// Thread-safe. publish() never blocks on a subscriber: a subscriber that
// falls behind is closed instead.
class EventBus final : public EventPublisher {
 public:
  // Reserves the first id block. `metrics` may be null and must otherwise
  // outlive the bus; it gets events_emitted_total{type}. Throws what the
  // reserver throws.
  EventBus(EventIdReserver reserve_ids, MetricsRegistry* metrics,
           EventBusOptions options = {});
  // Closes every subscription and stops the flush thread.
  ~EventBus() override;

  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // Emits the event, or defers a progress event when its torrent had one
  // within progress_interval: the newest held-back value is emitted
  // when the interval ends, or just before the next other event of that
  // torrent. Events of unknown kinds are logged and dropped. A StoreError
  // from reserving the next id block is logged and the event dropped.
  void publish(EventInput event) override;

  // Subscribes from `last_event_id`: every retained event after it that
  // matches `filter` is replayed before live events. With no id, only live
  // events are delivered. When the id is from an earlier run, unknown, or
  // older than the window, the first frame is a reset notice, because
  // events were lost. Its id is the newest id no longer retained (or
  // run_start_id()), and every retained event after it follows.
  //
  // `wake` is called without locks held, on a publishing thread, when
  // frames are ready after a take() returned none, and when the
  // subscription ends. It must not block.
  std::shared_ptr<EventSubscription> subscribe(
      EventFilter filter, std::optional<std::int64_t> last_event_id,
      std::function<void()> wake);

  // Emits the held-back progress events that are due.
  void flush_progress();

  // Ends every subscription, as at shutdown. Their clients reconnect and
  // resume from their last id.
  void close_subscriptions();

  std::int64_t run_start_id() const;
  // The id of the newest event, or run_start_id() before the first.
  std::int64_t last_event_id() const;
  std::size_t subscriber_count() const;

 private:
  void run_flush_thread();

  std::shared_ptr<events_detail::BusCore> core_;
  std::thread flush_thread_;
};

}  // namespace revaer
