#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_publisher.hpp"

namespace revaer {

// One component that is currently degraded.
struct DegradedComponent {
  std::string component;  // database, engine, fsops, api_rate_limit_guard
  std::string reason;
  std::int64_t since_ms = 0;  // Unix ms of the transition to degraded
};

// The health of the daemon's components: each is ok unless degraded with a
// reason. Each transition between ok and degraded publishes one
// health_changed event with data {component, status: "degraded"|"ok",
// reason (null for ok)}; repeating the current state publishes nothing.
// Thread-safe. The event is published under the registry's lock, so events
// of one component arrive in the order of its transitions.
class HealthRegistry {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix ms

  // `events` may be null and must otherwise outlive the registry.
  explicit HealthRegistry(EventPublisher* events = nullptr, Clock clock = nullptr);

  // Marks `component` degraded. When it is already degraded, the reason is
  // replaced and `since` and the event stream stay as they were.
  void degrade(const std::string& component, const std::string& reason);

  // Marks `component` ok.
  void clear(const std::string& component);

  // Degrades with `reason` when it is set, else clears.
  void set(const std::string& component, const std::optional<std::string>& reason);

  bool is_degraded(std::string_view component) const;

  // The degraded components, sorted by name.
  std::vector<DegradedComponent> degraded() const;

 private:
  void publish(const std::string& component, const char* status, const std::string* reason);

  EventPublisher* events_;
  Clock clock_;
  mutable std::mutex mutex_;  // guards degraded_
  std::map<std::string, DegradedComponent, std::less<>> degraded_;
};

}  // namespace revaer
