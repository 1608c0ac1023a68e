#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event_bus.hpp"

namespace revaer::test {

// An in-memory EventIdReserver that starts at `first` and can be made to
// fail, as a database can.
class CountingReserver {
 public:
  explicit CountingReserver(std::int64_t first) : next_(first) {}

  EventIdReserver function() {
    return [this](std::int64_t count) {
      if (fail_) {
        throw std::runtime_error("reservation failed");
      }
      calls_++;
      std::int64_t first = next_;
      next_ += count;
      return first;
    };
  }

  void fail_next(bool fail) { fail_ = fail; }
  int calls() const { return calls_; }

 private:
  std::atomic<std::int64_t> next_;
  std::atomic<bool> fail_{false};
  std::atomic<int> calls_{0};
};

// Takes frames until the subscription has none left.
inline std::vector<std::shared_ptr<const EventFrame>> take_all(
    EventSubscription& subscription) {
  std::vector<std::shared_ptr<const EventFrame>> all;
  while (true) {
    EventSubscription::Batch batch = subscription.take(64);
    if (batch.frames.empty()) {
      return all;
    }
    all.insert(all.end(), batch.frames.begin(), batch.frames.end());
  }
}

inline std::vector<std::int64_t> ids_of(
    const std::vector<std::shared_ptr<const EventFrame>>& frames) {
  std::vector<std::int64_t> ids;
  for (const auto& frame : frames) {
    ids.push_back(frame->id);
  }
  return ids;
}

// Parses the JSON of a frame's data line.
inline nlohmann::json data_of(const EventFrame& frame) {
  const std::string& text = frame.text;
  std::size_t start = text.find("\ndata: ");
  if (start == std::string::npos) {
    throw std::runtime_error("frame has no data line: " + text);
  }
  start += 7;
  std::size_t end = text.find('\n', start);
  return nlohmann::json::parse(text.substr(start, end - start));
}

}  // namespace revaer::test
