#include "events/event_bus.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "events/event_serialization.hpp"
#include "store/store.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

namespace events_detail {

using SteadyTime = std::chrono::steady_clock::time_point;
using FramePtr = std::shared_ptr<const EventFrame>;

struct Subscriber {
  EventFilter filter;
  std::function<void()> wake;

  // The members below are guarded by BusCore::mutex.
  FramePtr reset_notice;
  std::int64_t replay_next = 0;  // next id to replay
  std::int64_t replay_last = 0;  // last id to replay; below replay_next: none
  std::deque<FramePtr> live;
  std::size_t live_bytes = 0;
  // Set when `wake` was called or take() left frames behind; cleared by a
  // take() that leaves nothing behind. While set, publish() does not wake.
  bool wake_pending = true;
  SubscriptionEnd end = SubscriptionEnd::open;
};

// The newest progress event of one torrent and when the last one went out.
struct ProgressSlot {
  std::optional<SteadyTime> last_emitted;
  std::optional<PreparedEvent> pending;
};

struct BusCore {
  EventBusOptions options;
  EventIdReserver reserve_ids;
  std::array<Counter*, kEventKindCount> emitted{};
  Counter* dropped_overflow = nullptr;
  Counter* dropped_lagged = nullptr;

  mutable std::mutex mutex;  // guards everything below
  std::condition_variable flush_wake;
  bool stopping = false;

  std::int64_t run_start_id = 0;
  std::int64_t next_id = 0;
  std::int64_t reserved_end = 0;  // first id past the reserved block
  std::int64_t last_id = 0;
  std::int64_t last_evicted_id = 0;  // newest id no longer retained
  std::deque<FramePtr> ring;         // retained frames, ids increasing

  std::vector<std::shared_ptr<Subscriber>> subscribers;
  std::unordered_map<std::string, ProgressSlot> progress;
  std::size_t pending_progress = 0;

  SteadyTime now() const {
    return options.clock ? options.clock() : std::chrono::steady_clock::now();
  }
};

namespace {

using WakeList = std::vector<std::shared_ptr<Subscriber>>;

void count_drop(const BusCore& core, SubscriptionEnd reason) {
  Counter* counter = reason == SubscriptionEnd::overflow ? core.dropped_overflow
                     : reason == SubscriptionEnd::lagged ? core.dropped_lagged
                                                         : nullptr;
  if (counter != nullptr) {
    counter->increment();
  }
}

void end_subscription(Subscriber& subscriber, SubscriptionEnd reason,
                      WakeList& to_wake,
                      const std::shared_ptr<Subscriber>& handle) {
  subscriber.end = reason;
  subscriber.live.clear();
  subscriber.live_bytes = 0;
  subscriber.reset_notice.reset();
  to_wake.push_back(handle);
}

void wake_all(const WakeList& to_wake) {
  for (const auto& subscriber : to_wake) {
    if (subscriber->wake) {
      subscriber->wake();
    }
  }
}

// Returns the next id, reserving a new block when the current one is used
// up. Called with the mutex held. Throws what the reserver throws.
std::int64_t allocate_id(BusCore& core) {
  if (core.next_id >= core.reserved_end) {
    std::int64_t first = core.reserve_ids(core.options.id_block);
    // Another daemon on a shared store may have reserved the ids in
    // between, so the new block need not follow the old one directly.
    core.next_id = std::max(first, core.last_id + 1);
    core.reserved_end = first + core.options.id_block;
  }
  return core.next_id++;
}

void retain(BusCore& core, const FramePtr& frame) {
  core.ring.push_back(frame);
  while (core.ring.size() > core.options.retained_events) {
    core.last_evicted_id = core.ring.front()->id;
    core.ring.pop_front();
  }
}

// Queues the frame for every matching subscriber. Called with the mutex
// held; the subscribers to wake are appended to `to_wake`.
void fan_out(BusCore& core, const FramePtr& frame, WakeList& to_wake) {
  for (const auto& handle : core.subscribers) {
    Subscriber& subscriber = *handle;
    if (subscriber.end != SubscriptionEnd::open ||
        !subscriber.filter.matches(*frame)) {
      continue;
    }
    bool full =
        subscriber.live.size() >= core.options.max_queued_events ||
        subscriber.live_bytes + frame->text.size() >
            core.options.max_queued_bytes;
    if (full) {
      end_subscription(subscriber, SubscriptionEnd::overflow, to_wake, handle);
      count_drop(core, SubscriptionEnd::overflow);
      continue;
    }
    subscriber.live.push_back(frame);
    subscriber.live_bytes += frame->text.size();
    if (!subscriber.wake_pending) {
      subscriber.wake_pending = true;
      to_wake.push_back(handle);
    }
  }
}

// Gives the event an id, retains it and queues it for the subscribers.
// Called with the mutex held.
void emit(BusCore& core, const PreparedEvent& event, WakeList& to_wake) {
  std::int64_t id = 0;
  try {
    id = allocate_id(core);
  } catch (const std::exception& error) {
    spdlog::error("event bus: could not reserve event ids; dropped a {} "
                  "event: {}",
                  to_string(event.kind), error.what());
    return;
  }

  FramePtr frame = make_event_frame(id, now_unix_ms(), event);
  core.last_id = id;
  retain(core, frame);
  fan_out(core, frame, to_wake);
  if (Counter* counter = core.emitted[static_cast<std::size_t>(event.kind)]) {
    counter->increment();
  }
}

// Emits the held-back progress event of `slot`, if any.
void emit_pending(BusCore& core, ProgressSlot& slot, SteadyTime now,
                  WakeList& to_wake) {
  if (!slot.pending) {
    return;
  }
  emit(core, *slot.pending, to_wake);
  slot.pending.reset();
  slot.last_emitted = now;
  core.pending_progress--;
}

void publish_progress(BusCore& core, PreparedEvent event, WakeList& to_wake) {
  SteadyTime now = core.now();
  ProgressSlot& slot = core.progress[event.torrent_id];
  bool due = !slot.last_emitted ||
             now - *slot.last_emitted >= core.options.progress_interval;
  if (due && !slot.pending) {
    emit(core, event, to_wake);
    slot.last_emitted = now;
    return;
  }

  if (!slot.pending) {
    core.pending_progress++;
    core.flush_wake.notify_one();
  }
  slot.pending = std::move(event);
}

void publish_other(BusCore& core, const PreparedEvent& event,
                   WakeList& to_wake) {
  if (!event.torrent_id.empty()) {
    auto slot = core.progress.find(event.torrent_id);
    if (slot != core.progress.end()) {
      // Keeps the order in which the producer reported the facts.
      emit_pending(core, slot->second, core.now(), to_wake);
      if (event.kind == EventKind::torrent_removed) {
        core.progress.erase(slot);
      }
    }
  }
  emit(core, event, to_wake);
}

// The id from which everything retained can be replayed: the newest id
// no longer retained, or the run's start.
std::int64_t oldest_resumable_id(const BusCore& core) {
  return std::max(core.run_start_id, core.last_evicted_id);
}

// Builds the reset notice for a subscriber whose id cannot be resumed.
FramePtr make_reset(const BusCore& core, std::int64_t requested,
                    std::string_view reason) {
  std::optional<std::int64_t> oldest;
  if (!core.ring.empty()) {
    oldest = core.ring.front()->id;
  }
  return make_reset_frame(oldest_resumable_id(core), now_unix_ms(), requested,
                          reason, oldest);
}

// Returns why `requested` cannot be resumed, or an empty view when every
// event after it is still retained.
std::string_view reset_reason(const BusCore& core, std::int64_t requested) {
  if (requested < core.run_start_id) {
    return "restart";
  }
  if (requested > core.last_id) {
    return "unknown_id";
  }
  if (requested < core.last_evicted_id) {
    return "window";
  }
  return {};
}

// Moves replayed frames into `batch`. Returns false when frames still to
// replay have already left the window.
bool take_replay(const BusCore& core, Subscriber& subscriber,
                 std::size_t max_frames,
                 std::vector<FramePtr>& frames) {
  if (subscriber.replay_next > subscriber.replay_last) {
    return true;
  }
  if (subscriber.replay_next <= core.last_evicted_id) {
    return false;
  }

  auto it = std::lower_bound(
      core.ring.begin(), core.ring.end(), subscriber.replay_next,
      [](const FramePtr& frame, std::int64_t id) { return frame->id < id; });
  for (; it != core.ring.end() && frames.size() < max_frames; ++it) {
    const FramePtr& frame = *it;
    if (frame->id > subscriber.replay_last) {
      break;
    }
    if (subscriber.filter.matches(*frame)) {
      frames.push_back(frame);
    }
    subscriber.replay_next = frame->id + 1;
  }
  if (it == core.ring.end() || (*it)->id > subscriber.replay_last) {
    subscriber.replay_next = subscriber.replay_last + 1;
  }
  return true;
}

void take_live(Subscriber& subscriber, std::size_t max_frames,
               std::vector<FramePtr>& frames) {
  while (!subscriber.live.empty() && frames.size() < max_frames) {
    subscriber.live_bytes -= subscriber.live.front()->text.size();
    frames.push_back(std::move(subscriber.live.front()));
    subscriber.live.pop_front();
  }
}

void remove_subscriber(BusCore& core, const Subscriber* subscriber) {
  auto& list = core.subscribers;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [subscriber](const auto& handle) {
                              return handle.get() == subscriber;
                            }),
             list.end());
}

}  // namespace
}  // namespace events_detail

using events_detail::BusCore;
using events_detail::FramePtr;
using events_detail::Subscriber;
using events_detail::WakeList;

EventIdReserver store_event_ids(Store& store) {
  return [&store](std::int64_t count) {
    std::int64_t first = 0;
    store.transact([&](StoreTransaction& tx) {
      first = tx.reserve_event_ids(count);
    });
    return first;
  };
}

EventSubscription::EventSubscription(std::weak_ptr<BusCore> core,
                                     std::shared_ptr<Subscriber> subscriber)
    : core_(std::move(core)), subscriber_(std::move(subscriber)) {}

EventSubscription::~EventSubscription() {
  if (std::shared_ptr<BusCore> core = core_.lock()) {
    std::lock_guard lock(core->mutex);
    events_detail::remove_subscriber(*core, subscriber_.get());
  }
}

EventSubscription::Batch EventSubscription::take(std::size_t max_frames) {
  Batch batch;
  std::shared_ptr<BusCore> core = core_.lock();
  if (!core) {
    batch.ended = true;
    return batch;
  }

  std::lock_guard lock(core->mutex);
  Subscriber& subscriber = *subscriber_;
  if (subscriber.end != SubscriptionEnd::open) {
    batch.ended = true;
    return batch;
  }

  if (subscriber.reset_notice && max_frames > 0) {
    batch.frames.push_back(std::move(subscriber.reset_notice));
    subscriber.reset_notice.reset();
  }
  if (!events_detail::take_replay(*core, subscriber, max_frames,
                                  batch.frames)) {
    WakeList ignored;
    events_detail::end_subscription(subscriber, SubscriptionEnd::lagged,
                                    ignored, subscriber_);
    events_detail::count_drop(*core, SubscriptionEnd::lagged);
    batch.frames.clear();
    batch.ended = true;
    return batch;
  }
  if (subscriber.replay_next > subscriber.replay_last) {
    events_detail::take_live(subscriber, max_frames, batch.frames);
  }

  bool drained = subscriber.replay_next > subscriber.replay_last &&
                 subscriber.live.empty() && !subscriber.reset_notice;
  subscriber.wake_pending = !drained;
  batch.more = !drained;
  return batch;
}

SubscriptionEnd EventSubscription::end_reason() const {
  std::shared_ptr<BusCore> core = core_.lock();
  if (!core) {
    return SubscriptionEnd::closed;
  }
  std::lock_guard lock(core->mutex);
  return subscriber_->end;
}

EventBus::EventBus(EventIdReserver reserve_ids, MetricsRegistry* metrics,
                   EventBusOptions options)
    : core_(std::make_shared<BusCore>()) {
  if (options.id_block < 2) {
    throw std::invalid_argument("EventBusOptions::id_block must be >= 2");
  }
  core_->options = std::move(options);
  core_->reserve_ids = std::move(reserve_ids);

  std::int64_t first = core_->reserve_ids(core_->options.id_block);
  core_->run_start_id = first;
  core_->last_id = first;
  core_->last_evicted_id = first;
  core_->next_id = first + 1;
  core_->reserved_end = first + core_->options.id_block;

  if (metrics != nullptr) {
    for (std::size_t i = 0; i < kEventKindCount; ++i) {
      core_->emitted[i] = &metrics->counter(
          "events_emitted_total", "Events published on the event bus, by kind",
          {{"type", std::string(kEventKindNames[i])}});
    }
    const char* help =
        "Event subscriptions closed because the subscriber fell behind";
    core_->dropped_overflow = &metrics->counter(
        "event_subscribers_dropped_total", help, {{"reason", "overflow"}});
    core_->dropped_lagged = &metrics->counter(
        "event_subscribers_dropped_total", help, {{"reason", "lagged"}});
  }
  if (core_->options.background_flush) {
    flush_thread_ = std::thread([this] { run_flush_thread(); });
  }
}

EventBus::~EventBus() {
  close_subscriptions();
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
    core_->flush_wake.notify_all();
  }
  if (flush_thread_.joinable()) {
    flush_thread_.join();
  }
}

void EventBus::publish(EventInput event) {
  std::optional<PreparedEvent> prepared = prepare_event(std::move(event));
  if (!prepared) {
    return;
  }

  WakeList to_wake;
  {
    std::lock_guard lock(core_->mutex);
    if (prepared->kind == EventKind::progress &&
        !prepared->torrent_id.empty()) {
      events_detail::publish_progress(*core_, std::move(*prepared), to_wake);
    } else {
      events_detail::publish_other(*core_, *prepared, to_wake);
    }
  }
  events_detail::wake_all(to_wake);
}

std::shared_ptr<EventSubscription> EventBus::subscribe(
    EventFilter filter, std::optional<std::int64_t> last_event_id,
    std::function<void()> wake) {
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->filter = std::move(filter);
  subscriber->wake = std::move(wake);

  std::lock_guard lock(core_->mutex);
  // Nothing to replay unless the id can be resumed.
  subscriber->replay_next = core_->last_id + 1;
  subscriber->replay_last = core_->last_id;
  if (last_event_id) {
    std::string_view reason =
        events_detail::reset_reason(*core_, *last_event_id);
    if (reason.empty()) {
      subscriber->replay_next = *last_event_id + 1;
    } else {
      // The notice reports what was lost, and what is retained follows.
      subscriber->reset_notice =
          events_detail::make_reset(*core_, *last_event_id, reason);
      subscriber->replay_next = subscriber->reset_notice->id + 1;
    }
  }

  core_->subscribers.push_back(subscriber);
  return std::shared_ptr<EventSubscription>(
      new EventSubscription(core_, std::move(subscriber)));
}

void EventBus::flush_progress() {
  WakeList to_wake;
  {
    std::lock_guard lock(core_->mutex);
    if (core_->pending_progress == 0) {
      return;
    }
    events_detail::SteadyTime now = core_->now();
    for (auto& [torrent_id, slot] : core_->progress) {
      bool due = slot.pending &&
                 (!slot.last_emitted || now - *slot.last_emitted >=
                                            core_->options.progress_interval);
      if (due) {
        events_detail::emit_pending(*core_, slot, now, to_wake);
      }
    }
  }
  events_detail::wake_all(to_wake);
}

void EventBus::close_subscriptions() {
  WakeList to_wake;
  {
    std::lock_guard lock(core_->mutex);
    for (const auto& handle : core_->subscribers) {
      if (handle->end == SubscriptionEnd::open) {
        events_detail::end_subscription(*handle, SubscriptionEnd::closed,
                                        to_wake, handle);
      }
    }
  }
  events_detail::wake_all(to_wake);
}

std::int64_t EventBus::run_start_id() const {
  std::lock_guard lock(core_->mutex);
  return core_->run_start_id;
}

std::int64_t EventBus::last_event_id() const {
  std::lock_guard lock(core_->mutex);
  return core_->last_id;
}

std::size_t EventBus::subscriber_count() const {
  std::lock_guard lock(core_->mutex);
  return core_->subscribers.size();
}

void EventBus::run_flush_thread() {
  BusCore& core = *core_;
  std::unique_lock lock(core.mutex);
  while (!core.stopping) {
    if (core.pending_progress == 0) {
      core.flush_wake.wait(lock);
      continue;
    }

    events_detail::SteadyTime now = core.now();
    auto wait = core.options.progress_interval;
    for (const auto& [torrent_id, slot] : core.progress) {
      if (slot.pending && slot.last_emitted) {
        auto remaining = std::chrono::ceil<std::chrono::milliseconds>(
            *slot.last_emitted + core.options.progress_interval - now);
        wait = std::min(wait, remaining);
      } else if (slot.pending) {
        wait = std::chrono::milliseconds(0);
      }
    }
    if (wait > std::chrono::milliseconds(0)) {
      core.flush_wake.wait_for(lock, wait);
      continue;
    }

    lock.unlock();
    flush_progress();
    lock.lock();
  }
}

}  // namespace revaer
