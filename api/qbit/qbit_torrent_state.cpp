#include "api/qbit/qbit_torrent_json.hpp"

namespace revaer {
namespace {

bool is_finished(const TorrentStatus& status) {
  if (status.state == TorrentState::seeding ||
      status.state == TorrentState::completed) {
    return true;
  }
  return status.transfer.has_metadata && status.bytes_total > 0 &&
         status.bytes_downloaded >= status.bytes_total;
}

std::string stopped_name(bool finished, const QbitGlobals& globals) {
  const char* prefix = globals.stopped_names ? "stopped" : "paused";
  return std::string(prefix) + (finished ? "UP" : "DL");
}

std::string running_name(const TorrentStatus& status) {
  const TorrentTransfer& transfer = status.transfer;
  if (status.state == TorrentState::fetching_metadata) {
    return transfer.forced ? "forcedMetaDL" : "metaDL";
  }
  if (status.state == TorrentState::downloading) {
    if (transfer.forced) {
      return "forcedDL";
    }
    return status.download_bps > 0 ? "downloading" : "stalledDL";
  }
  if (transfer.forced) {
    return "forcedUP";
  }
  return status.upload_bps > 0 ? "uploading" : "stalledUP";
}

}  // namespace

bool share_limit_reached(const TorrentStatus& status,
                         const QbitGlobals& globals) {
  if (!is_finished(status)) {
    return false;
  }
  std::optional<double> ratio =
      status.settings.seed_ratio_limit ? status.settings.seed_ratio_limit
                                       : globals.ratio_limit;
  std::optional<std::int64_t> seconds =
      status.settings.seed_time_limit_secs
          ? status.settings.seed_time_limit_secs
          : globals.seeding_time_limit_secs;
  bool ratio_met = ratio && status.ratio >= *ratio;
  bool time_met = seconds && status.transfer.seeding_secs >= *seconds;
  return ratio_met || time_met;
}

std::string qbit_state(const TorrentStatus& status, const QbitGlobals& globals) {
  const TorrentTransfer& transfer = status.transfer;
  bool finished = is_finished(status);
  if (status.state == TorrentState::failed) {
    return transfer.files_missing ? "missingFiles" : "error";
  }
  if (transfer.moving_storage) {
    return "moving";
  }
  if (transfer.checking_resume_data) {
    return "checkingResumeData";
  }
  if (transfer.checking_files) {
    return finished ? "checkingUP" : "checkingDL";
  }
  if (status.state == TorrentState::stopped) {
    return stopped_name(finished, globals);
  }
  if (status.state == TorrentState::queued) {
    // The queue pauses a seed that met its share limit. qBittorrent stops
    // such a torrent, and automation removes torrents in that state.
    if (share_limit_reached(status, globals)) {
      return stopped_name(true, globals);
    }
    return finished ? "queuedUP" : "queuedDL";
  }
  return running_name(status);
}

}  // namespace revaer
