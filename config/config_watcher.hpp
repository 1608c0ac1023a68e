#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config_service.hpp"
#include "events/event_publisher.hpp"
#include "store/change_listener.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

// Applies one snapshot to a part of the daemon (the engine session, the
// log level). Runs on the watcher thread and may block briefly; an
// exception it throws is logged and does not stop the other consumers.
using ConfigConsumer = std::function<void(const ConfigSnapshot&)>;

struct ConfigWatcherOptions {
  // Time between revision polls while no notification listener is
  // connected, and the delay before retrying an unreachable store.
  std::chrono::milliseconds poll_interval{2000};
  // Time between revision polls while the listener is connected, in case
  // a notification is lost.
  std::chrono::milliseconds listen_poll_interval{30000};
};

// Hot reload: brings every commit to the daemon's consumers without a
// restart. It wakes on commits made through this daemon's ConfigService
// and on notifications from `listener`, which announce commits by other
// daemons on the same PostgreSQL. A timer also polls the store's revision,
// and that poll is the only source while the listener is down or absent.
//
// For each new revision it calls every consumer in order, publishes a
// settings_changed event and sets the gauges config_watch_latency_ms (from
// the commit to this daemon loading it) and config_apply_latency_ms (from
// the commit to the last consumer returning). Both count from the commit
// time in the history row, which the committing daemon's clock wrote.
class ConfigWatcher {
 public:
  // `config` must outlive the watcher; `listener`, `metrics` and `events`
  // may be null.
  ConfigWatcher(ConfigService& config, std::unique_ptr<ChangeListener> listener,
                MetricsRegistry* metrics, EventPublisher* events,
                ConfigWatcherOptions options = {});
  // Stops the thread.
  ~ConfigWatcher();

  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

  // Adds a consumer. Only before start().
  void add_consumer(std::string name, ConfigConsumer consumer);

  // Starts the thread. The current snapshot counts as applied: the daemon
  // configured its parts from it while starting.
  void start();
  // Stops the thread and removes the commit hook. Idempotent.
  void stop();

  // Makes the thread check the store now rather than at the next poll.
  // Thread-safe and non-blocking.
  void wake();

  // The revision the consumers last received.
  std::int64_t applied_revision() const { return applied_revision_.load(); }

 private:
  void run();
  void wait_for_work();
  void reload_quietly();
  void apply_if_changed();
  std::vector<HistoryEntry> commits_since(std::int64_t revision);
  void publish_event(const ConfigSnapshot& snapshot, std::int64_t previous,
                     const std::vector<HistoryEntry>& commits);

  struct NamedConsumer {
    std::string name;
    ConfigConsumer consume;
  };

  ConfigService& config_;
  std::unique_ptr<ChangeListener> listener_;
  EventPublisher* events_;
  ConfigWatcherOptions options_;
  Gauge* watch_latency_ = nullptr;
  Gauge* apply_latency_ = nullptr;
  Gauge* revision_gauge_ = nullptr;
  std::vector<NamedConsumer> consumers_;

  std::atomic<std::int64_t> applied_revision_{0};
  bool listener_connected_ = false;  // watcher thread only
  bool store_failing_ = false;       // watcher thread only

  std::mutex wake_mutex_;
  std::condition_variable wake_signal_;
  bool woken_ = false;    // guarded by wake_mutex_
  bool stopping_ = false;  // guarded by wake_mutex_
  std::thread thread_;
};

}  // namespace revaer
