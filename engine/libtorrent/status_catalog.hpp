#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <libtorrent/info_hash.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>

#include "core/torrent.hpp"
#include "engine/engine.hpp"
#include "store/store.hpp"

namespace revaer {

// One torrent as the engine tracks it.
struct CatalogEntry {
  TorrentStatus status;  // `files` stays empty here, see `files`
  std::vector<FileStatus> files;
  // The trackers as the alert thread last read them from the session.
  std::vector<TrackerStatus> tracker_statuses;
  TorrentRecord record;  // the copy last written to the store
  lt::info_hash_t info_hashes;
  lt::torrent_handle handle;  // invalid until the session has added it
  // The metadata, null until it is known (a magnet before it arrives).
  std::shared_ptr<const lt::torrent_info> info;
  // select_files() or update_settings() changed the record while `handle`
  // was invalid, so the change is applied when the handle is attached.
  bool options_pending = false;

  // The name came from the add request or the store and must not be
  // replaced by the torrent's own name.
  bool name_fixed = false;
  // on_completed already ran for this torrent, or it was complete when
  // loaded.
  bool completion_reported = false;
  // pause() or resume() arrived before the session had added the torrent.
  std::optional<bool> pending_pause;
  // add() queued it to start: once the session has checked it, the alert
  // thread starts it at once if the queue has room (see
  // start_if_queue_has_room).
  bool start_at_once = false;
  // The request of the last pause() or resume(), put on the next
  // state_changed event and then cleared.
  std::string state_request_id;
};

// The in-memory catalog the API reads: torrent id -> entry, with indexes by
// info-hash (v1 and v2 hex) and by libtorrent handle. Every method is
// thread-safe and locks one mutex briefly. Callbacks passed to update() run
// under that mutex, so they must not call back into the catalog or block.
class StatusCatalog {
 public:
  // Loads the torrent with an id that find(), entry() or update() did not
  // find, when it is a stored torrent not loaded yet, and returns true
  // when it did. Called outside the lock; those lookups then look again.
  using MissLoader = std::function<bool(std::string_view id)>;

  // Sets the loader. Call it before the catalog is shared between threads.
  void set_miss_loader(MissLoader loader) { miss_loader_ = std::move(loader); }
  // Loads the stored torrent that a lower-case info-hash names when
  // find_by_info_hash() did not find it, as MissLoader does for ids.
  using HashMissLoader = std::function<bool(const std::string& info_hash_hex)>;
  void set_hash_miss_loader(HashMissLoader loader) { hash_miss_loader_ = std::move(loader); }

  // Inserts `entry` unless an entry with the same id or one of its
  // info-hashes exists. Returns the id of the entry found instead.
  std::optional<std::string> insert(CatalogEntry entry);

  // The id of the entry that has any of `hashes`.
  std::optional<std::string> id_for_hashes(const lt::info_hash_t& hashes) const;
  std::optional<std::string> id_for_handle(const lt::torrent_handle& handle) const;

  // Sets the handle once the session has added the torrent, and takes the
  // pause or resume requested before that. Returns nullopt when the id is
  // unknown or nothing was requested.
  std::optional<bool> attach_handle(std::string_view id, const lt::torrent_handle& handle);
  bool contains(std::string_view id) const;

  // Runs `change` on the entry under the lock, moves its last_updated_ms
  // forward and re-indexes its info-hashes. Returns false when the id is
  // unknown.
  bool update(std::string_view id, const std::function<void(CatalogEntry&)>& change);

  // Removes the entry and returns it.
  std::optional<CatalogEntry> erase(std::string_view id);

  // A copy of one entry's status with its files.
  std::optional<TorrentStatus> find(std::string_view id) const;
  // A copy of the status, with files, of the entry that `hash` (hex in any
  // case) names: its v1 or v2 info-hash, or its v2 info-hash cut to 40
  // digits.
  std::optional<TorrentStatus> find_by_info_hash(std::string_view hash) const;
  // A copy of the entry, files included.
  std::optional<CatalogEntry> entry(std::string_view id) const;
  // Copies of at most `limit` statuses without files, ordered by
  // (added_at_ms, id) and after `after` when set, that `match` accepts.
  // `match` runs under the lock.
  std::vector<TorrentStatus> page(const std::optional<TorrentOrder>& after, std::size_t limit,
                                  const Engine::TorrentMatch& match) const;
  // Copies of every status without files, ordered by (added_at_ms, id).
  std::vector<TorrentStatus> list() const;
  // Ids and handles of the entries the session has added.
  std::vector<std::pair<std::string, lt::torrent_handle>> handles() const;
  // Ids, handles and settings of the attached entries whose settings set
  // a seeding time limit.
  std::vector<std::tuple<std::string, lt::torrent_handle, TorrentSettings>> seed_time_limited()
      const;

  std::size_t size() const;
  void clear();

 private:
  using OrderKey = std::pair<std::int64_t, std::string>;

  bool update_loaded(std::string_view id, const std::function<void(CatalogEntry&)>& change);
  std::optional<TorrentStatus> find_loaded(std::string_view id) const;
  std::optional<TorrentStatus> find_loaded_by_info_hash(const std::string& hash) const;
  std::optional<CatalogEntry> entry_loaded(std::string_view id) const;
  bool load_missing(std::string_view id) const { return miss_loader_ && miss_loader_(id); }

  // Requires mutex_.
  std::optional<std::string> find_hash_locked(const lt::info_hash_t& hashes) const;
  void index_hashes_locked(const std::string& id, const lt::info_hash_t& hashes);
  void unindex_locked(const CatalogEntry& entry);

  MissLoader miss_loader_;
  HashMissLoader hash_miss_loader_;
  mutable std::mutex mutex_;
  std::map<std::string, CatalogEntry, std::less<>> entries_;
  std::map<std::string, std::string> id_by_hash_;
  std::map<lt::torrent_handle, std::string> id_by_handle_;
  std::set<OrderKey> order_;
};

}  // namespace revaer
