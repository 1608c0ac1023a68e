#include "api/qbit/qbit_transfer.hpp"

#include "api/qbit/qbit_preferences.hpp"

namespace revaer {

using nlohmann::json;

QbitRateCaps qbit_rate_caps(const ConfigSnapshot& snapshot) {
  const json& engine = engine_profile_of(snapshot);
  QbitRateCaps caps;
  const json alt = engine.value("alt_speed", json());
  if (alt.is_object() && alt.value("enabled", false)) {
    caps.alternative = true;
    caps.download_bps = alt.value("download_bps", std::int64_t{0});
    caps.upload_bps = alt.value("upload_bps", std::int64_t{0});
    return caps;
  }
  caps.download_bps = engine.value("max_download_bps", std::int64_t{0});
  caps.upload_bps = engine.value("max_upload_bps", std::int64_t{0});
  return caps;
}

json qbit_transfer_info(const std::vector<TorrentStatus>& torrents,
                        const ConfigSnapshot& snapshot, bool engine_running) {
  std::int64_t down_rate = 0;
  std::int64_t up_rate = 0;
  std::int64_t down_data = 0;
  std::int64_t up_data = 0;
  for (const TorrentStatus& status : torrents) {
    down_rate += status.download_bps;
    up_rate += status.upload_bps;
    down_data += status.transfer.session_downloaded_bytes;
    up_data += status.transfer.session_uploaded_bytes;
  }
  QbitRateCaps caps = qbit_rate_caps(snapshot);
  return {
      {"dl_info_speed", down_rate},
      {"up_info_speed", up_rate},
      {"dl_info_data", down_data},
      {"up_info_data", up_data},
      {"dl_rate_limit", caps.download_bps},
      {"up_rate_limit", caps.upload_bps},
      {"dht_nodes", 0},
      {"connection_status", engine_running ? "connected" : "disconnected"},
  };
}

}  // namespace revaer
