#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/qbit/qbit_torrent_json.hpp"
#include "core/torrent.hpp"

namespace revaer {

// The torrents/properties object of `status`. Before metadata arrives the
// metadata fields read -1 or "", as in qBittorrent 5.1.
nlohmann::json qbit_torrent_properties(const TorrentStatus& status,
                                       const QbitGlobals& globals);

// The torrents/files array of `status` (with its files), limited to the
// file indexes in `indexes` when that is not empty. Empty before metadata.
nlohmann::json qbit_torrent_files(const TorrentStatus& status,
                                  const std::vector<std::string>& indexes);

// qBittorrent's file priority for ours: 0 skip, 1 low or normal, 6 high.
int qbit_file_priority(const std::string& priority);

// The torrents/trackers array: the DHT, PeX and LSD pseudo-trackers first,
// as qBittorrent 5.1 lists them (tier -1, status 2 when enabled in
// `engine_profile` and the torrent is public, else 0), then `trackers`.
nlohmann::json qbit_torrent_trackers(const TorrentStatus& status,
                                     const std::vector<TrackerStatus>& trackers,
                                     const nlohmann::json& engine_profile);

}  // namespace revaer
