#include "api/torrent_json.hpp"

#include <string>

#include "core/clock.hpp"

namespace revaer {
namespace {

using nlohmann::json;

json state_json(const TorrentStatus& status) {
  json state = {{"kind", std::string(to_string(status.state))}};
  if (status.state == TorrentState::failed) {
    state["failure_message"] = status.failure_message;
  }
  return state;
}

json progress_json(const TorrentStatus& status) {
  json progress = {
      {"bytes_downloaded", status.bytes_downloaded},
      {"bytes_total", status.bytes_total},
      {"percent_complete", status.percent_complete},
  };
  if (status.eta_seconds) {
    progress["eta_seconds"] = *status.eta_seconds;
  }
  return progress;
}

json rates_json(const TorrentStatus& status) {
  return {
      {"download_bps", status.download_bps},
      {"upload_bps", status.upload_bps},
      {"ratio", status.ratio},
  };
}

json file_json(const FileStatus& file) {
  return {
      {"index", file.index},
      {"path", file.path},
      {"size_bytes", file.size_bytes},
      {"bytes_completed", file.bytes_completed},
      {"priority", file.priority},
      {"selected", file.selected},
  };
}

json fsops_json(const FsopsStatus& fsops) {
  json result = {{"state", fsops.state}};
  if (fsops.step) {
    result["step"] = *fsops.step;
  }
  if (fsops.error) {
    result["error"] = *fsops.error;
  }
  return result;
}

json count_or_null(int count) {
  return count < 0 ? json(nullptr) : json(count);
}

}  // namespace

json torrent_settings_json(const TorrentSettings& settings, bool sequential,
                           const std::string& download_dir) {
  json result = {
      {"max_download_bps", settings.max_download_bps},
      {"max_upload_bps", settings.max_upload_bps},
      {"max_connections", settings.max_connections},
      {"max_uploads", settings.max_uploads},
      {"seed_ratio_limit", nullptr},
      {"seed_time_limit", nullptr},
      {"auto_managed", settings.auto_managed},
      {"super_seeding", settings.super_seeding},
      {"sequential", sequential},
      {"download_dir", download_dir},
  };
  if (settings.seed_ratio_limit) {
    result["seed_ratio_limit"] = *settings.seed_ratio_limit;
  }
  if (settings.seed_time_limit_secs) {
    result["seed_time_limit"] = *settings.seed_time_limit_secs;
  }
  return result;
}

json tracker_json(const TrackerStatus& tracker) {
  json result = {
      {"url", tracker.url},
      {"tier", tracker.tier},
      {"status", tracker.status},
      {"message", tracker.message},
      {"seeds", count_or_null(tracker.seeds)},
      {"peers", count_or_null(tracker.peers)},
  };
  if (tracker.next_announce_ms) {
    result["next_announce"] = format_rfc3339(*tracker.next_announce_ms);
  }
  return result;
}

json peer_json(const PeerStatus& peer) {
  return {
      {"address", peer.address},
      {"client", peer.client},
      {"connection", peer.connection},
      {"encrypted", peer.encrypted},
      {"incoming", peer.incoming},
      {"progress", peer.progress},
      {"download_bps", peer.download_bps},
      {"upload_bps", peer.upload_bps},
      {"downloaded_bytes", peer.downloaded_bytes},
      {"uploaded_bytes", peer.uploaded_bytes},
  };
}

json torrent_summary_json(const TorrentStatus& status) {
  json summary = {
      {"id", status.id},
      {"name", status.name},
      {"state", state_json(status)},
      {"progress", progress_json(status)},
      {"rates", rates_json(status)},
      {"download_dir", status.download_dir},
      {"sequential", status.sequential},
      {"tags", status.tags},
      {"trackers", status.trackers},
      {"added_at", format_rfc3339(status.added_at_ms)},
      {"last_updated", format_rfc3339(status.last_updated_ms)},
  };

  if (!status.info_hash_v1.empty()) {
    summary["info_hash_v1"] = status.info_hash_v1;
  }
  if (!status.info_hash_v2.empty()) {
    summary["info_hash_v2"] = status.info_hash_v2;
  }
  if (status.library_path) {
    summary["library_path"] = *status.library_path;
  }
  if (status.storage_move_error) {
    summary["storage_move_error"] = *status.storage_move_error;
  }
  if (status.category) {
    summary["category"] = *status.category;
  }
  if (status.completed_at_ms) {
    summary["completed_at"] = format_rfc3339(*status.completed_at_ms);
  }
  return summary;
}

json torrent_detail_json(const TorrentStatus& status) {
  json detail = torrent_summary_json(status);

  json files = json::array();
  for (const FileStatus& file : status.files) {
    files.push_back(file_json(file));
  }
  detail["files"] = std::move(files);
  detail["settings"] = torrent_settings_json(status.settings, status.sequential,
                                             status.download_dir);
  detail["selection"] = {
      {"include", status.selection.include},
      {"exclude", status.selection.exclude},
      {"skip_fluff", status.selection.skip_fluff},
  };
  detail["web_seeds"] = status.web_seeds;
  detail["fsops"] = fsops_json(status.fsops);
  return detail;
}

}  // namespace revaer
