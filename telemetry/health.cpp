#include "telemetry/health.hpp"

#include <exception>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"

namespace revaer {

HealthRegistry::HealthRegistry(EventPublisher* events, Clock clock)
    : events_(events), clock_(clock ? std::move(clock) : Clock(now_unix_ms)) {}

void HealthRegistry::degrade(const std::string& component, const std::string& reason) {
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = degraded_.try_emplace(component);
  entry->second.reason = reason;
  if (!inserted) {
    return;
  }
  entry->second.component = component;
  entry->second.since_ms = clock_();
  spdlog::warn("health: {} is degraded: {}", component, reason);
  publish(component, "degraded", &reason);
}

void HealthRegistry::clear(const std::string& component) {
  std::lock_guard lock(mutex_);
  if (degraded_.erase(component) == 0) {
    return;
  }
  spdlog::info("health: {} is ok again", component);
  publish(component, "ok", nullptr);
}

void HealthRegistry::set(const std::string& component, const std::optional<std::string>& reason) {
  if (reason) {
    degrade(component, *reason);
  } else {
    clear(component);
  }
}

bool HealthRegistry::is_degraded(std::string_view component) const {
  std::lock_guard lock(mutex_);
  return degraded_.find(component) != degraded_.end();
}

std::vector<DegradedComponent> HealthRegistry::degraded() const {
  std::lock_guard lock(mutex_);
  std::vector<DegradedComponent> result;
  result.reserve(degraded_.size());
  for (const auto& [name, entry] : degraded_) {
    result.push_back(entry);
  }
  return result;
}

void HealthRegistry::publish(const std::string& component, const char* status,
                             const std::string* reason) {
  if (events_ == nullptr) {
    return;
  }
  EventInput event;
  event.kind = "health_changed";
  event.data = {{"component", component},
                {"status", status},
                {"reason", reason != nullptr ? nlohmann::json(*reason) : nlohmann::json(nullptr)}};
  try {
    events_->publish(std::move(event));
  } catch (const std::exception& error) {
    spdlog::error("health: could not publish health_changed for {}: {}", component, error.what());
  }
}

}  // namespace revaer
