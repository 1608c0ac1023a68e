#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/torrent.hpp"
#include "events/event_publisher.hpp"

namespace revaer {

// Turns the post-processing state changes that a FsopsWorker status sink
// receives into events: the first "running" of a job gives fsops_started,
// every "running" with a step fsops_progress, "completed" fsops_completed
// (with the library path) and "failed" fsops_failed. Thread-safe.
class FsopsEvents {
 public:
  // `events` must outlive this object.
  explicit FsopsEvents(EventPublisher& events) : events_(events) {}

  void on_status(const std::string& torrent_id, const FsopsStatus& status,
                 const std::optional<std::string>& library_path);

 private:
  void publish(const char* kind, const std::string& torrent_id,
               const FsopsStatus& status,
               const std::optional<std::string>& library_path);

  EventPublisher& events_;
  std::mutex mutex_;  // guards running_
  std::set<std::string> running_;  // torrents with a job in progress
};

}  // namespace revaer
