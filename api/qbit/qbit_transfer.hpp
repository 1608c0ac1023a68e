#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/router.hpp"
#include "config/config_service.hpp"
#include "core/torrent.hpp"

namespace revaer {

// The global rate caps in force, in bytes per second with 0 for none: the
// alternative ones while alternative speed is on.
struct QbitRateCaps {
  bool alternative = false;
  std::int64_t download_bps = 0;
  std::int64_t upload_bps = 0;
};

QbitRateCaps qbit_rate_caps(const ConfigSnapshot& snapshot);

// The transfer/info object (and the matching part of sync/maindata's
// server_state): rates and session totals summed over `torrents`.
nlohmann::json qbit_transfer_info(const std::vector<TorrentStatus>& torrents,
                                  const ConfigSnapshot& snapshot,
                                  bool engine_running);

}  // namespace revaer
