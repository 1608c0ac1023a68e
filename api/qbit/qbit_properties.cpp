#include "api/qbit/qbit_properties.hpp"

#include <algorithm>

#include "api/http_util.hpp"
#include "api/qbit/qbit_hashes.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// Average rate over the active time, in bytes per second.
std::int64_t average_rate(std::int64_t bytes, std::int64_t seconds) {
  return seconds > 0 ? bytes / seconds : 0;
}

void add_metadata_facts(const TorrentTransfer& transfer, json& props) {
  bool known = transfer.has_metadata;
  props["piece_size"] = known ? transfer.piece_size : -1;
  props["pieces_num"] = known ? transfer.pieces_total : -1;
  props["pieces_have"] = known ? transfer.pieces_have : -1;
  props["comment"] = transfer.comment;
  props["created_by"] = transfer.created_by;
  props["creation_date"] =
      transfer.created_at_ms ? unix_seconds(*transfer.created_at_ms) : -1;
  props["isPrivate"] = transfer.is_private;
  props["is_private"] = transfer.is_private;
  props["has_metadata"] = known;
}

void add_totals(const TorrentStatus& status, json& props) {
  const TorrentTransfer& transfer = status.transfer;
  props["total_size"] = qbit_total_size(status);
  props["total_wasted"] = transfer.wasted_bytes;
  props["total_downloaded"] = transfer.total_downloaded_bytes;
  props["total_downloaded_session"] = transfer.session_downloaded_bytes;
  props["total_uploaded"] = transfer.total_uploaded_bytes;
  props["total_uploaded_session"] = transfer.session_uploaded_bytes;
  props["dl_speed"] = status.download_bps;
  props["up_speed"] = status.upload_bps;
  props["dl_speed_avg"] =
      average_rate(transfer.total_downloaded_bytes, transfer.active_secs);
  props["up_speed_avg"] =
      average_rate(transfer.total_uploaded_bytes, transfer.active_secs);
  props["share_ratio"] = status.ratio;
  props["eta"] = status.eta_seconds.value_or(kQbitUnknownEta);
}

void add_peers(const TorrentStatus& status, json& props) {
  const TorrentTransfer& transfer = status.transfer;
  props["seeds"] = transfer.seeds_connected;
  props["seeds_total"] = std::max(transfer.seeds_in_swarm, 0);
  props["peers"] = transfer.leechers_connected;
  props["peers_total"] = std::max(transfer.leechers_in_swarm, 0);
  props["nb_connections"] = transfer.seeds_connected + transfer.leechers_connected;
  props["nb_connections_limit"] = status.settings.max_connections > 0
                                      ? status.settings.max_connections
                                      : -1;
  props["reannounce"] = 0;
}

void add_times(const TorrentStatus& status, json& props) {
  const TorrentTransfer& transfer = status.transfer;
  props["addition_date"] = unix_seconds(status.added_at_ms);
  props["completion_date"] =
      status.completed_at_ms ? unix_seconds(*status.completed_at_ms) : -1;
  props["last_seen"] =
      transfer.seen_complete_ms ? unix_seconds(*transfer.seen_complete_ms) : -1;
  props["time_elapsed"] = transfer.active_secs;
  props["seeding_time"] = transfer.seeding_secs;
}

int tracker_status_code(const std::string& status) {
  if (status == "working") {
    return 2;
  }
  if (status == "updating") {
    return 3;
  }
  return status == "error" ? 4 : 1;
}

json pseudo_tracker(const char* url, bool enabled, bool is_private) {
  return {
      {"url", url},
      {"status", enabled && !is_private ? 2 : 0},
      {"tier", -1},
      {"num_peers", 0},
      {"num_seeds", 0},
      {"num_leeches", 0},
      {"num_downloaded", 0},
      {"msg", is_private ? "This torrent is private" : ""},
  };
}

}  // namespace

json qbit_torrent_properties(const TorrentStatus& status,
                             const QbitGlobals& globals) {
  json props = json::object();
  props["hash"] = qbit_hash(status);
  props["infohash_v1"] = to_lower(status.info_hash_v1);
  props["infohash_v2"] = to_lower(status.info_hash_v2);
  props["name"] = status.name;
  props["save_path"] = status.download_dir;
  props["download_path"] = "";
  props["dl_limit"] = status.settings.max_download_bps;
  props["up_limit"] = status.settings.max_upload_bps;
  props["popularity"] = qbit_torrent_info(status, globals).at("popularity");
  add_metadata_facts(status.transfer, props);
  add_totals(status, props);
  add_peers(status, props);
  add_times(status, props);
  return props;
}

int qbit_file_priority(const std::string& priority) {
  if (priority == "skip") {
    return 0;
  }
  return priority == "high" ? 6 : 1;
}

json qbit_torrent_files(const TorrentStatus& status,
                        const std::vector<std::string>& indexes) {
  json files = json::array();
  const std::int64_t piece_size = status.transfer.piece_size;
  std::int64_t offset = 0;
  for (const FileStatus& file : status.files) {
    std::int64_t start = offset;
    offset += file.size_bytes;
    bool wanted = indexes.empty() ||
                  std::find(indexes.begin(), indexes.end(),
                            std::to_string(file.index)) != indexes.end();
    if (!wanted) {
      continue;
    }
    // NOTE: the piece range assumes no pad files between files, which
    // holds for v1 torrents but not always for v2 and hybrid ones.
    std::int64_t first = piece_size > 0 ? start / piece_size : 0;
    std::int64_t last =
        piece_size > 0 && file.size_bytes > 0
            ? (start + file.size_bytes - 1) / piece_size
            : first;
    files.push_back({
        {"index", file.index},
        {"name", file.path},
        {"size", file.size_bytes},
        {"progress", file.size_bytes > 0
                         ? static_cast<double>(file.bytes_completed) /
                               static_cast<double>(file.size_bytes)
                         : 1.0},
        {"priority", qbit_file_priority(file.priority)},
        {"is_seed", file.bytes_completed >= file.size_bytes},
        {"piece_range", json::array({first, last})},
        {"availability", -1},
    });
  }
  return files;
}

json qbit_torrent_trackers(const TorrentStatus& status,
                           const std::vector<TrackerStatus>& trackers,
                           const json& engine_profile) {
  bool is_private = status.transfer.is_private;
  json list = json::array({
      pseudo_tracker("** [DHT] **", engine_profile.value("dht", false),
                     is_private),
      pseudo_tracker("** [PeX] **", engine_profile.value("enable_pex", false),
                     is_private),
      pseudo_tracker("** [LSD] **", engine_profile.value("enable_lsd", false),
                     is_private),
  });
  for (const TrackerStatus& tracker : trackers) {
    list.push_back({
        {"url", tracker.url},
        {"status", tracker_status_code(tracker.status)},
        {"tier", tracker.tier},
        // The scrape's complete and incomplete counts, -1 when unknown.
        {"num_peers", tracker.seeds < 0 || tracker.peers < 0
                          ? -1
                          : tracker.seeds + tracker.peers},
        {"num_seeds", tracker.seeds},
        {"num_leeches", tracker.peers},
        {"num_downloaded", -1},
        {"msg", tracker.message},
    });
  }
  return list;
}

}  // namespace revaer
