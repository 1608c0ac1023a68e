#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace revaer {

// The stored torrents that start() read and the engine has not loaded yet,
// in store order, found by id and by info-hash so that a request naming
// one can load it ahead of its turn. Not thread-safe: the engine guards it
// with its load mutex.
class LoadQueue {
 public:
  // Replaces the queue with `records`, in the order given.
  void reset(std::vector<TorrentRecord> records);
  // Removes every record that is still queued.
  void clear();

  // Copies of the first `count` records still queued, in store order,
  // which stay queued.
  std::vector<TorrentRecord> peek(std::size_t count);
  // Takes the record with `id`, if it is still queued.
  std::optional<TorrentRecord> take_id(std::string_view id);
  // Takes the record whose info-hash `info_hash_hex` (lower case) names,
  // if it is still queued: its record's info-hash, or that of a v2-only
  // torrent cut to 40 digits (see find_info_hash_key()).
  // NOTE: a record holds only its primary info-hash, so the v2 hash of a
  // hybrid torrent does not find it here.
  std::optional<TorrentRecord> take_info_hash(const std::string& info_hash_hex);

  // Records still queued.
  std::size_t remaining() const { return index_by_id_.size(); }

 private:
  TorrentRecord take_at(std::size_t index);
  bool is_queued(std::size_t index) const;

  std::vector<TorrentRecord> records_;  // taken records are left moved-from
  std::size_t next_ = 0;                // no record before it is queued
  std::map<std::string, std::size_t, std::less<>> index_by_id_;
  std::map<std::string, std::size_t, std::less<>> index_by_info_hash_;
};

}  // namespace revaer
