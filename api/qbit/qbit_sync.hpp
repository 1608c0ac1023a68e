#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/qbit/qbit_torrent_json.hpp"
#include "engine/engine.hpp"

namespace revaer {

// The state of one client after its last sync/maindata reply, so the
// next reply can carry only what changed since.
struct QbitSyncView {
  struct Torrent {
    std::string hash;
    std::int64_t version = 0;  // TorrentStatus::last_updated_ms
    nlohmann::json info;       // the torrents/info object last sent
    std::vector<std::string> trackers;
    std::uint64_t seen_in_step = 0;
  };
  // Running sums over `torrents` for server_state.
  struct Totals {
    std::int64_t download_bps = 0;
    std::int64_t upload_bps = 0;
    std::int64_t session_downloaded = 0;
    std::int64_t session_uploaded = 0;
    std::int64_t all_time_downloaded = 0;
    std::int64_t all_time_uploaded = 0;
    std::int64_t peers = 0;
  };

  std::int64_t rid = 0;
  std::int64_t config_revision = -1;
  std::uint64_t step = 0;
  std::map<std::string, Torrent> torrents;  // by engine id
  std::map<std::string, int> category_counts;
  std::map<std::string, int> tag_counts;
  std::map<std::string, std::set<std::string>> tracker_hashes;  // url -> hashes
  nlohmann::json categories = nlohmann::json::object();
  std::set<std::string> tags;
  nlohmann::json server_state = nlohmann::json::object();
  Totals totals;
};

// The facts outside the engine one sync step reads.
struct QbitSyncInputs {
  QbitGlobals globals;
  std::int64_t config_revision = 0;
  std::map<std::string, std::string> registered_categories;  // name -> path
  std::vector<std::string> registered_tags;
  nlohmann::json server_extras;  // rate caps, connection status, ...
};

// Brings `view` up to date with `engine` and returns the sync/maindata
// reply without its "rid": a full update when `view` is empty or was
// built under another configuration revision, else only the changed
// fields. The engine is scanned with Engine::list_page, whose predicate
// compares each torrent's last_updated_ms with the view, so only changed
// torrents are copied and serialised.
nlohmann::json qbit_sync_step(QbitSyncView& view, const Engine& engine,
                              const QbitSyncInputs& inputs);

// The sync/maindata views of recent replies, by client (SID cookie, else
// API key) and rid, least recently used first out. Thread-safe.
class QbitSyncCache {
 public:
  static constexpr std::size_t kMaxViews = 16;
  static constexpr std::size_t kMaxViewsPerClient = 2;

  // Removes and returns the client's view of `rid`, or nullopt.
  std::optional<QbitSyncView> take(const std::string& client, std::int64_t rid);
  // Stores `view` under a new rid and returns that rid.
  std::int64_t put(const std::string& client, QbitSyncView view);

 private:
  struct Slot {
    std::string client;
    QbitSyncView view;
  };
  std::mutex mutex_;
  std::int64_t next_rid_ = 1;
  std::list<Slot> slots_;  // most recently stored first
};

}  // namespace revaer
