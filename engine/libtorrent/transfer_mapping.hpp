#pragma once

#include <cstdint>

#include <libtorrent/fwd.hpp>

#include "core/torrent.hpp"

namespace revaer {

// Copies the totals, swarm counts, times, queue position, activity flags
// and (once known) metadata facts of `status` into `target`. `now_ms` is
// the current Unix time, used to convert libtorrent's clock.
void apply_torrent_transfer(const lt::torrent_status& status,
                            std::int64_t now_ms, TorrentTransfer& target);

}  // namespace revaer
