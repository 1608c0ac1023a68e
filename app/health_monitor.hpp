#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace revaer {

// Runs a health check on its own thread: once at start(), then every
// `interval` until stop(). The check must not throw; an exception it
// throws is logged.
class HealthMonitor {
 public:
  HealthMonitor(std::chrono::milliseconds interval, std::function<void()> check);
  ~HealthMonitor();  // stops the thread

  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  void start();
  // Stops the thread after the running check. Idempotent.
  void stop();

 private:
  void run();

  std::chrono::milliseconds interval_;
  std::function<void()> check_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace revaer
