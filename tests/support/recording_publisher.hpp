#pragma once

#include <mutex>
#include <utility>
#include <vector>

#include "events/event_publisher.hpp"

namespace revaer::test {

// An EventPublisher that keeps every event, for tests that check what a
// component published.
class RecordingPublisher final : public EventPublisher {
 public:
  void publish(EventInput event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }

  std::vector<EventInput> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<EventInput> events_;
};

}  // namespace revaer::test
