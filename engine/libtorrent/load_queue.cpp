#include "engine/libtorrent/load_queue.hpp"

#include <utility>

#include "engine/libtorrent/add_params.hpp"

namespace revaer {

void LoadQueue::reset(std::vector<TorrentRecord> records) {
  clear();
  records_ = std::move(records);
  for (std::size_t index = 0; index < records_.size(); ++index) {
    index_by_id_.emplace(records_[index].id, index);
    index_by_info_hash_.emplace(records_[index].info_hash, index);
  }
}

void LoadQueue::clear() {
  records_.clear();
  next_ = 0;
  index_by_id_.clear();
  index_by_info_hash_.clear();
}

std::vector<TorrentRecord> LoadQueue::peek(std::size_t count) {
  std::vector<TorrentRecord> queued;
  if (remaining() == 0) {
    // Every record is taken: release their memory.
    clear();
    return queued;
  }
  while (next_ < records_.size() && !is_queued(next_)) ++next_;
  for (std::size_t index = next_; index < records_.size() && queued.size() < count; ++index) {
    if (is_queued(index)) queued.push_back(records_[index]);
  }
  return queued;
}

bool LoadQueue::is_queued(std::size_t index) const {
  const auto found = index_by_id_.find(records_[index].id);
  return found != index_by_id_.end() && found->second == index;
}

std::optional<TorrentRecord> LoadQueue::take_id(std::string_view id) {
  const auto found = index_by_id_.find(id);
  if (found == index_by_id_.end()) return std::nullopt;
  return take_at(found->second);
}

std::optional<TorrentRecord> LoadQueue::take_info_hash(const std::string& info_hash_hex) {
  const auto found = find_info_hash_key(index_by_info_hash_, info_hash_hex);
  if (found == index_by_info_hash_.end()) return std::nullopt;
  return take_at(found->second);
}

TorrentRecord LoadQueue::take_at(std::size_t index) {
  TorrentRecord record = std::move(records_[index]);
  const auto by_id = index_by_id_.find(record.id);
  if (by_id != index_by_id_.end() && by_id->second == index) index_by_id_.erase(by_id);
  const auto by_hash = index_by_info_hash_.find(record.info_hash);
  if (by_hash != index_by_info_hash_.end() && by_hash->second == index) {
    index_by_info_hash_.erase(by_hash);
  }
  return record;
}

}  // namespace revaer
