#include "engine/engine_faults.hpp"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

namespace revaer {

EngineFaults::EngineFaults(EngineFaultSink sink) : sink_(std::move(sink)) {}

void EngineFaults::raise(const std::string& key, const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = reasons_.try_emplace(key, reason);
  if (!inserted) {
    if (entry->second == reason) return;
    entry->second = reason;
  }
  notify_locked();
}

bool EngineFaults::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (reasons_.erase(key) == 0) return false;
  notify_locked();
  return true;
}

void EngineFaults::clear_all() {
  std::lock_guard lock(mutex_);
  if (reasons_.empty()) return;
  reasons_.clear();
  notify_locked();
}

bool EngineFaults::contains(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return reasons_.count(key) != 0;
}

std::vector<EngineFault> EngineFaults::current() const {
  std::lock_guard lock(mutex_);
  std::vector<EngineFault> faults;
  for (const auto& [key, reason] : reasons_) faults.push_back({key, reason});
  return faults;
}

void EngineFaults::notify_locked() const {
  if (!sink_) return;
  std::vector<EngineFault> faults;
  for (const auto& [key, reason] : reasons_) faults.push_back({key, reason});
  try {
    sink_(faults);
  } catch (const std::exception& error) {
    spdlog::error("could not report engine faults: {}", error.what());
  }
}

LoopGuard::LoopGuard(EngineFaults& faults, std::string key, std::string loop_name,
                     MonotonicClock clock)
    : faults_(faults),
      key_(std::move(key)),
      loop_name_(std::move(loop_name)),
      backoff_(kFaultRetryInitial, kFaultRetryMax, std::move(clock)) {}

std::chrono::milliseconds LoopGuard::run(const std::function<void()>& iteration) {
  // The caller waited the pause returned by the last failure, so this run
  // is the scheduled attempt.
  backoff_.take_due();
  try {
    iteration();
  } catch (const std::exception& error) {
    failing_ = true;
    const std::chrono::milliseconds pause = backoff_.schedule();
    spdlog::error("{} failed: {}; restarting it in {} ms (after {} restarts)", loop_name_,
                  error.what(), pause.count(), backoff_.attempts());
    faults_.raise(key_, loop_name_ + " failed: " + error.what());
    return pause;
  }
  if (failing_) {
    failing_ = false;
    backoff_.reset();
    spdlog::info("{} runs again", loop_name_);
    faults_.clear(key_);
  }
  return std::chrono::milliseconds::zero();
}

}  // namespace revaer
