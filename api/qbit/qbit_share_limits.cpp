#include "api/qbit/qbit_share_limits.hpp"

#include <algorithm>

#include "api/torrent_request.hpp"

namespace revaer {

void add_qbit_ratio_limit(double ratio, TorrentSettingsChange& change) {
  if (ratio == kQbitGlobalLimit) {
    change.clear_seed_ratio_limit = true;
    return;
  }
  change.seed_ratio_limit = ratio < 0 ? kMaxSeedRatioLimit : std::min(ratio, kMaxSeedRatioLimit);
}

void add_qbit_seeding_time_limit(std::int64_t minutes, TorrentSettingsChange& change) {
  if (minutes == static_cast<std::int64_t>(kQbitGlobalLimit)) {
    change.clear_seed_time_limit = true;
    return;
  }
  const std::int64_t max_minutes = kMaxSeedTimeLimit / 60;
  change.seed_time_limit_secs =
      minutes < 0 || minutes > max_minutes ? kMaxSeedTimeLimit : minutes * 60;
}

double qbit_ratio_limit(const TorrentSettings& settings) {
  if (!settings.seed_ratio_limit) return kQbitGlobalLimit;
  if (*settings.seed_ratio_limit >= kMaxSeedRatioLimit) return kQbitNoLimit;
  return *settings.seed_ratio_limit;
}

std::int64_t qbit_seeding_time_limit(const TorrentSettings& settings) {
  if (!settings.seed_time_limit_secs) return static_cast<std::int64_t>(kQbitGlobalLimit);
  if (*settings.seed_time_limit_secs >= kMaxSeedTimeLimit) {
    return static_cast<std::int64_t>(kQbitNoLimit);
  }
  return *settings.seed_time_limit_secs / 60;
}

}  // namespace revaer
