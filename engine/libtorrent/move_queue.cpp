#include "engine/libtorrent/move_queue.hpp"

#include <algorithm>

namespace revaer {

bool MoveQueue::request(const std::string& id, const std::string& target) {
  std::lock_guard lock(mutex_);
  if (running_.count(id) == 0 && waiting_.count(id) == 0 && running_.size() < max_running_) {
    running_.insert(id);
    return true;
  }
  if (waiting_.count(id) == 0) order_.push_back(id);
  waiting_[id] = target;
  return false;
}

std::vector<StorageMove> MoveQueue::finish(const std::string& id) {
  std::lock_guard lock(mutex_);
  running_.erase(id);
  return promote();
}

std::vector<StorageMove> MoveQueue::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  running_.erase(id);
  if (waiting_.erase(id) > 0) order_.erase(std::find(order_.begin(), order_.end(), id));
  return promote();
}

std::vector<StorageMove> MoveQueue::take_waiting() {
  std::lock_guard lock(mutex_);
  std::vector<StorageMove> moves;
  for (const std::string& id : order_) moves.push_back({id, waiting_.at(id)});
  order_.clear();
  waiting_.clear();
  return moves;
}

std::size_t MoveQueue::running() const {
  std::lock_guard lock(mutex_);
  return running_.size();
}

std::size_t MoveQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

std::vector<StorageMove> MoveQueue::promote() {
  std::vector<StorageMove> started;
  for (auto next = order_.begin(); next != order_.end() && running_.size() < max_running_;) {
    // A torrent whose earlier move still runs keeps its place in line.
    if (running_.count(*next) > 0) {
      ++next;
      continue;
    }
    running_.insert(*next);
    started.push_back({*next, waiting_.at(*next)});
    waiting_.erase(*next);
    next = order_.erase(next);
  }
  return started;
}

}  // namespace revaer
