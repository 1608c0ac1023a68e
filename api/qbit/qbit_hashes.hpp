#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/torrent.hpp"
#include "engine/engine.hpp"

namespace revaer {

// The hash a qBittorrent client knows a torrent by: the v1 info-hash, or
// for a v2-only torrent its v2 info-hash truncated to 40 hex digits, in
// lower case. Empty while neither is known.
std::string qbit_hash(const TorrentStatus& status);

// The torrents of a "h1|h2|…" list, in list() order and without their
// files, or every torrent for "all". Each hash is looked up with
// Engine::find_by_info_hash(), so a hybrid torrent is found by its v1 and
// its v2 hash. Unknown hashes are skipped, as qBittorrent 5.1 skips them.
std::vector<TorrentStatus> resolve_hashes(const Engine& engine,
                                          std::string_view hashes);

}  // namespace revaer
