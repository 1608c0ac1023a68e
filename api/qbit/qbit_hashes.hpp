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

// True when `hash` (any case) names `status`: its v1 hash, or its v2 hash
// whole or truncated to 40 digits, so a hybrid torrent is found by both.
bool matches_hash(const TorrentStatus& status, std::string_view hash);

// The torrent that `hash` names, with its files, or nullopt.
std::optional<TorrentStatus> find_by_hash(const Engine& engine,
                                          std::string_view hash);

// The torrents of a "h1|h2|…" list, in list() order, or every torrent for
// "all". Unknown hashes are skipped, as qBittorrent 5.1 skips them. The
// returned statuses come from Engine::list().
std::vector<TorrentStatus> resolve_hashes(const Engine& engine,
                                          std::string_view hashes);

}  // namespace revaer
