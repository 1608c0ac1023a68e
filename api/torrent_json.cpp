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

}  // namespace

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
  detail["settings"] = {
      {"sequential", status.sequential},
      {"download_dir", status.download_dir},
  };
  detail["fsops"] = fsops_json(status.fsops);
  return detail;
}

}  // namespace revaer
