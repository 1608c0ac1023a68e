#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/torrent.hpp"

namespace revaer {

// Renders the torrent summary that GET /v1/torrents lists: id, name,
// state {kind, failure_message?}, progress, rates, info hashes, directories,
// flags, tags, category, trackers and RFC 3339 UTC times. Optional members
// are left out when they have no value.
nlohmann::json torrent_summary_json(const TorrentStatus& status);

// Renders the summary plus files, settings, selection, web_seeds and
// fsops, as GET /v1/torrents/{id} returns it.
nlohmann::json torrent_detail_json(const TorrentStatus& status);

// Renders the per-torrent options as PATCH /v1/torrents/{id}/options takes
// them: rates, connection limits, flags, and seed limits (null while the
// global ones apply). Also carries download_dir.
nlohmann::json torrent_settings_json(const TorrentSettings& settings,
                                     bool sequential,
                                     const std::string& download_dir);

// Renders one tracker; seeds and peers are null when the tracker did not
// report them, and next_announce (RFC 3339) is left out when unknown.
nlohmann::json tracker_json(const TrackerStatus& tracker);

// Renders one connected peer.
nlohmann::json peer_json(const PeerStatus& peer);

}  // namespace revaer
