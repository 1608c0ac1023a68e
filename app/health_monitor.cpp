#include "app/health_monitor.hpp"

#include <exception>

#include <spdlog/spdlog.h>

namespace revaer {

HealthMonitor::HealthMonitor(std::chrono::milliseconds interval, std::function<void()> check)
    : interval_(interval), check_(std::move(check)) {}

HealthMonitor::~HealthMonitor() { stop(); }

void HealthMonitor::start() {
  thread_ = std::thread([this] { run(); });
}

void HealthMonitor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void HealthMonitor::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      check_();
    } catch (const std::exception& error) {
      spdlog::error("health: could not run the periodic check: {}", error.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace revaer
