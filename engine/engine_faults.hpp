#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/retry_backoff.hpp"

namespace revaer {

// One fault of the engine's session that is not resolved yet.
struct EngineFault {
  // Identifies the fault while it lasts: "listen tcp 127.0.0.1:6881",
  // "storage <torrent id>", "resume <torrent id>" or "alert_loop".
  std::string key;
  // Description for operators of the address, torrent, file or operation
  // that failed, with the error.
  std::string reason;
};

// Receives every current fault, sorted by key, each time the set changes;
// an empty list means every fault has cleared.
using EngineFaultSink = std::function<void(const std::vector<EngineFault>&)>;

// The current faults of one engine. Each change of the set (a new key, a
// new reason, a removed key) calls the sink with the whole set, under the
// object's lock, so the sink receives changes in order and must not call
// back into this object. Thread-safe.
class EngineFaults {
 public:
  // `sink` may be empty.
  explicit EngineFaults(EngineFaultSink sink = nullptr);

  // Adds the fault or replaces its reason.
  void raise(const std::string& key, const std::string& reason);
  // Removes the fault. Returns false when it was not raised.
  bool clear(const std::string& key);
  // Removes every fault.
  void clear_all();

  bool contains(const std::string& key) const;
  std::vector<EngineFault> current() const;

 private:
  void notify_locked() const;

  EngineFaultSink sink_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> reasons_;  // guarded by mutex_
};

// Back-off bounds of every engine retry: 1 s, doubling up to 60 s.
inline constexpr std::chrono::milliseconds kFaultRetryInitial{1'000};
inline constexpr std::chrono::milliseconds kFaultRetryMax{60'000};

// Runs the iterations of a long-lived loop so that an exception escaping
// one iteration is caught, logged and raised as the fault `key`, and the
// loop pauses with bounded back-off before the next iteration. The first
// iteration that completes after a failure clears the fault. One thread
// owns each instance.
class LoopGuard {
 public:
  LoopGuard(EngineFaults& faults, std::string key, std::string loop_name,
            MonotonicClock clock = monotonic_now);

  // Runs `iteration`. Returns zero when it completed, else the pause the
  // caller waits before the next iteration.
  std::chrono::milliseconds run(const std::function<void()>& iteration);

 private:
  EngineFaults& faults_;
  std::string key_;
  std::string loop_name_;
  RetryBackoff backoff_;
  bool failing_ = false;
};

}  // namespace revaer
