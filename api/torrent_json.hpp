#pragma once

#include <nlohmann/json.hpp>

#include "core/torrent.hpp"

namespace revaer {

// Renders the torrent summary that GET /v1/torrents lists: id, name,
// state {kind, failure_message?}, progress, rates, info hashes, directories,
// flags, tags, category, trackers and RFC 3339 UTC times. Optional members
// are left out when they have no value.
nlohmann::json torrent_summary_json(const TorrentStatus& status);

// Renders the summary plus files, settings and fsops, as GET
// /v1/torrents/{id} returns it.
nlohmann::json torrent_detail_json(const TorrentStatus& status);

}  // namespace revaer
