#include "engine/libtorrent/status_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/clock.hpp"
#include "engine/libtorrent/add_params.hpp"

namespace revaer {

std::optional<std::string> StatusCatalog::insert(CatalogEntry entry) {
  std::lock_guard lock(mutex_);
  if (entries_.count(entry.status.id) != 0) return entry.status.id;
  if (auto existing = find_hash_locked(entry.info_hashes)) return existing;

  const std::string id = entry.status.id;
  index_hashes_locked(id, entry.info_hashes);
  if (entry.handle.is_valid()) id_by_handle_[entry.handle] = id;
  order_.emplace(entry.status.added_at_ms, id);
  entries_.emplace(id, std::move(entry));
  return std::nullopt;
}

std::optional<std::string> StatusCatalog::id_for_hashes(const lt::info_hash_t& hashes) const {
  std::lock_guard lock(mutex_);
  return find_hash_locked(hashes);
}

std::optional<std::string> StatusCatalog::id_for_handle(const lt::torrent_handle& handle) const {
  std::lock_guard lock(mutex_);
  const auto found = id_by_handle_.find(handle);
  if (found == id_by_handle_.end()) return std::nullopt;
  return found->second;
}

std::optional<bool> StatusCatalog::attach_handle(std::string_view id,
                                                 const lt::torrent_handle& handle) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(id);
  if (found == entries_.end()) return std::nullopt;
  found->second.handle = handle;
  id_by_handle_[handle] = found->first;
  return std::exchange(found->second.pending_pause, std::nullopt);
}

bool StatusCatalog::contains(std::string_view id) const {
  std::lock_guard lock(mutex_);
  return entries_.find(id) != entries_.end();
}

bool StatusCatalog::update(std::string_view id, const std::function<void(CatalogEntry&)>& change) {
  if (update_loaded(id, change)) return true;
  return load_missing(id) && update_loaded(id, change);
}

bool StatusCatalog::update_loaded(std::string_view id,
                                  const std::function<void(CatalogEntry&)>& change) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(id);
  if (found == entries_.end()) return false;
  const std::int64_t previous = found->second.status.last_updated_ms;
  change(found->second);
  // Each change moves last_updated_ms forward, also within one
  // millisecond, so a reader can tell changed torrents by it alone.
  std::int64_t& stamp = found->second.status.last_updated_ms;
  stamp = std::max({stamp, now_unix_ms(), previous + 1});
  index_hashes_locked(found->first, found->second.info_hashes);
  return true;
}

std::optional<CatalogEntry> StatusCatalog::erase(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(id);
  if (found == entries_.end()) return std::nullopt;
  CatalogEntry entry = std::move(found->second);
  entries_.erase(found);
  unindex_locked(entry);
  return entry;
}

std::optional<TorrentStatus> StatusCatalog::find(std::string_view id) const {
  if (auto status = find_loaded(id)) return status;
  if (!load_missing(id)) return std::nullopt;
  return find_loaded(id);
}

std::optional<TorrentStatus> StatusCatalog::find_loaded(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(id);
  if (found == entries_.end()) return std::nullopt;
  TorrentStatus status = found->second.status;
  status.files = found->second.files;
  return status;
}

std::optional<TorrentStatus> StatusCatalog::find_by_info_hash(std::string_view hash) const {
  if (hash.empty()) return std::nullopt;
  std::string lower(hash);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (auto status = find_loaded_by_info_hash(lower)) return status;
  if (!hash_miss_loader_ || !hash_miss_loader_(lower)) return std::nullopt;
  return find_loaded_by_info_hash(lower);
}

std::optional<TorrentStatus> StatusCatalog::find_loaded_by_info_hash(
    const std::string& hash) const {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    const auto key = find_info_hash_key(id_by_hash_, hash);
    if (key == id_by_hash_.end()) return std::nullopt;
    id = key->second;
  }
  return find_loaded(id);
}

std::optional<CatalogEntry> StatusCatalog::entry(std::string_view id) const {
  if (auto found = entry_loaded(id)) return found;
  if (!load_missing(id)) return std::nullopt;
  return entry_loaded(id);
}

std::optional<CatalogEntry> StatusCatalog::entry_loaded(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(id);
  if (found == entries_.end()) return std::nullopt;
  return found->second;
}

std::vector<TorrentStatus> StatusCatalog::page(const std::optional<TorrentOrder>& after,
                                               std::size_t limit,
                                               const Engine::TorrentMatch& match) const {
  std::lock_guard lock(mutex_);
  std::vector<TorrentStatus> statuses;
  auto it = after ? order_.upper_bound(OrderKey{after->added_at_ms, after->id}) : order_.begin();
  for (; it != order_.end() && statuses.size() < limit; ++it) {
    const CatalogEntry& entry = entries_.find(it->second)->second;
    if (match(entry.status, entry.files)) {
      statuses.push_back(entry.status);
    }
  }
  return statuses;
}

std::vector<TorrentStatus> StatusCatalog::list() const {
  std::lock_guard lock(mutex_);
  std::vector<TorrentStatus> statuses;
  statuses.reserve(order_.size());
  for (const OrderKey& key : order_) {
    statuses.push_back(entries_.find(key.second)->second.status);
  }
  return statuses;
}

std::vector<std::pair<std::string, lt::torrent_handle>> StatusCatalog::handles() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, lt::torrent_handle>> result;
  result.reserve(id_by_handle_.size());
  for (const auto& [handle, id] : id_by_handle_) result.emplace_back(id, handle);
  return result;
}

std::vector<std::tuple<std::string, lt::torrent_handle, TorrentSettings>>
StatusCatalog::seed_time_limited() const {
  std::lock_guard lock(mutex_);
  std::vector<std::tuple<std::string, lt::torrent_handle, TorrentSettings>> result;
  for (const auto& [id, entry] : entries_) {
    if (entry.handle.is_valid() && entry.record.settings.seed_time_limit_secs) {
      result.emplace_back(id, entry.handle, entry.record.settings);
    }
  }
  return result;
}

std::size_t StatusCatalog::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void StatusCatalog::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  id_by_hash_.clear();
  id_by_handle_.clear();
  order_.clear();
}

std::optional<std::string> StatusCatalog::find_hash_locked(const lt::info_hash_t& hashes) const {
  for (const std::string& hex : {info_hash_v1_hex(hashes), info_hash_v2_hex(hashes)}) {
    if (hex.empty()) continue;
    const auto found = id_by_hash_.find(hex);
    if (found != id_by_hash_.end()) return found->second;
  }
  return std::nullopt;
}

void StatusCatalog::index_hashes_locked(const std::string& id, const lt::info_hash_t& hashes) {
  for (const std::string& hex : {info_hash_v1_hex(hashes), info_hash_v2_hex(hashes)}) {
    if (!hex.empty()) id_by_hash_.emplace(hex, id);
  }
}

void StatusCatalog::unindex_locked(const CatalogEntry& entry) {
  for (const std::string& hex :
       {info_hash_v1_hex(entry.info_hashes), info_hash_v2_hex(entry.info_hashes)}) {
    const auto found = id_by_hash_.find(hex);
    if (found != id_by_hash_.end() && found->second == entry.status.id) {
      id_by_hash_.erase(found);
    }
  }
  const auto handle = id_by_handle_.find(entry.handle);
  if (handle != id_by_handle_.end() && handle->second == entry.status.id) {
    id_by_handle_.erase(handle);
  }
  order_.erase({entry.status.added_at_ms, entry.status.id});
}

}  // namespace revaer
