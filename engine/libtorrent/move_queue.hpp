#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace revaer {

// One storage move: the torrent id and its new download folder.
struct StorageMove {
  std::string id;
  std::string target;
};

// Storage moves that the engine hands to libtorrent a few at a time.
// libtorrent cannot cancel a move it was given, and with 120,000 moves
// handed over at once a stop waited for all of them. The engine therefore
// keeps the waiting ones here, and stop() waits only for the running ones.
// A new request for a torrent whose move has not started replaces its
// target. Thread-safe.
class MoveQueue {
 public:
  explicit MoveQueue(std::size_t max_running) : max_running_(max_running) {}

  // Records a move. Returns true when it counts as running now, so the
  // caller must start it; false when it waits.
  bool request(const std::string& id, const std::string& target);

  // Marks the running move of `id` done (moved, failed or never started)
  // and returns the waiting moves that count as running now.
  std::vector<StorageMove> finish(const std::string& id);

  // Drops every move of a removed torrent and returns the waiting moves
  // that count as running now.
  std::vector<StorageMove> forget(const std::string& id);

  // Removes and returns the moves that have not started, in request order.
  std::vector<StorageMove> take_waiting();

  std::size_t running() const;
  std::size_t waiting() const;

 private:
  // Moves waiting moves to running while there is room. The caller holds
  // mutex_.
  std::vector<StorageMove> promote();

  const std::size_t max_running_;
  mutable std::mutex mutex_;
  std::set<std::string> running_;
  std::deque<std::string> order_;               // waiting ids, oldest first
  std::map<std::string, std::string> waiting_;  // id -> target
};

}  // namespace revaer
