#pragma once

#include <cstdint>
#include <optional>

#include "core/torrent.hpp"

namespace revaer {

// qBittorrent's per-torrent share limits and Revaer's TorrentSettings.
// qBittorrent 5.1 sends and shows a ratio limit and a seeding time limit
// (minutes) with -2 for "use the global limit" and -1 for "no limit".
// TorrentSettings keeps an absent limit for the global one, so "no limit"
// is stored as the largest limit the API accepts, which a torrent never
// reaches: kMaxSeedRatioLimit and kMaxSeedTimeLimit seconds.

inline constexpr double kQbitGlobalLimit = -2;
inline constexpr double kQbitNoLimit = -1;

// Adds the ratio limit `ratio` (qBittorrent's encoding) to `change`. As
// in qBittorrent 5.1, any other negative value means no limit, and a
// limit above kMaxSeedRatioLimit is cut to it.
void add_qbit_ratio_limit(double ratio, TorrentSettingsChange& change);

// Adds the seeding time limit `minutes` (qBittorrent's encoding) to
// `change`. Any other negative value means no limit, and a limit above
// kMaxSeedTimeLimit seconds is cut to it.
void add_qbit_seeding_time_limit(std::int64_t minutes, TorrentSettingsChange& change);

// The ratio limit of `settings` in qBittorrent's encoding.
double qbit_ratio_limit(const TorrentSettings& settings);

// The seeding time limit of `settings` in minutes, in qBittorrent's
// encoding. Seconds that are not whole minutes round down.
std::int64_t qbit_seeding_time_limit(const TorrentSettings& settings);

}  // namespace revaer
