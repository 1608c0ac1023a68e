#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/config_service.hpp"
#include "core/torrent.hpp"

namespace revaer {

// The global settings a torrent's qBittorrent fields depend on, read from
// the engine profile.
struct QbitGlobals {
  std::optional<double> ratio_limit;
  std::optional<std::int64_t> seeding_time_limit_secs;
  bool queueing = true;  // max_active is not -1
  // Below WebAPI 2.11 the state names use "paused", from 2.11 on "stopped".
  bool stopped_names = true;

  static QbitGlobals from(const ConfigSnapshot& snapshot);
};

// The eta qBittorrent sends when it cannot estimate one: 100 days.
inline constexpr std::int64_t kQbitUnknownEta = 8640000;

// The state string qBittorrent 5.1 shows for `status`, such as
// "downloading", "stalledUP" or "stoppedDL".
std::string qbit_state(const TorrentStatus& status, const QbitGlobals& globals);

// True when a finished torrent has reached its ratio or seeding time
// limit (its own, or else the global one).
bool share_limit_reached(const TorrentStatus& status,
                         const QbitGlobals& globals);

// The torrents/info object of `status`; see docs/qbittorrent.md for the
// keys. `status.files` is not read.
nlohmann::json qbit_torrent_info(const TorrentStatus& status,
                                 const QbitGlobals& globals);

// The content path: the file of a single-file torrent, else its top
// folder, else download_dir/name. Never equal to download_dir.
std::string qbit_content_path(const TorrentStatus& status);

// A magnet link with the info-hashes, name and trackers of `status`.
std::string qbit_magnet_uri(const TorrentStatus& status);

// The size of every file, selected or not, once the session has reported
// it; the selected size before that.
std::int64_t qbit_total_size(const TorrentStatus& status);

// Unix seconds for Unix milliseconds.
std::int64_t unix_seconds(std::int64_t ms);

}  // namespace revaer
