#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace revaer::testing {

// An in-memory Store holding only the torrent catalog; the other methods
// throw because the engine must not use them.
class FakeStore final : public Store {
 public:
  void transact(const std::function<void(StoreTransaction&)>&) override {
    throw std::logic_error("FakeStore has no transactions");
  }

  void put_torrent(const TorrentRecord& torrent) override {
    std::lock_guard lock(mutex_);
    records_[torrent.id] = torrent;
    ++put_count_;
  }

  void delete_torrent(std::string_view id) override {
    std::lock_guard lock(mutex_);
    records_.erase(std::string(id));
  }

  std::vector<TorrentRecord> torrents() override {
    std::lock_guard lock(mutex_);
    std::vector<TorrentRecord> result;
    for (const auto& [id, record] : records_) result.push_back(record);
    return result;
  }

  bool ping() noexcept override { return true; }

  std::optional<TorrentRecord> record(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto found = records_.find(id);
    if (found == records_.end()) return std::nullopt;
    return found->second;
  }

  int put_count() const {
    std::lock_guard lock(mutex_);
    return put_count_;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return records_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, TorrentRecord> records_;
  int put_count_ = 0;
};

}  // namespace revaer::testing
