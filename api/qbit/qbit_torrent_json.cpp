#include "api/qbit/qbit_torrent_json.hpp"

#include <cstdio>

#include "api/http_util.hpp"
#include "api/qbit/qbit_hashes.hpp"
#include "api/qbit/qbit_share_limits.hpp"
#include "api/qbit/qbit_preferences.hpp"

namespace revaer {
namespace {

using nlohmann::json;

constexpr std::int64_t kSecondsPerMinute = 60;
constexpr double kSecondsPerMonth = 30.0 * 24 * 3600;

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                      c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      char escape[4];
      std::snprintf(escape, sizeof escape, "%%%02X", c);
      out += escape;
    }
  }
  return out;
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string joined;
  for (const std::string& tag : tags) {
    if (!joined.empty()) {
      joined += ", ";
    }
    joined += tag;
  }
  return joined;
}

std::string child_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') {
    return dir + name;
  }
  return dir + "/" + name;
}

void add_identity(const TorrentStatus& status, json& info) {
  info["hash"] = qbit_hash(status);
  info["infohash_v1"] = to_lower(status.info_hash_v1);
  info["infohash_v2"] = to_lower(status.info_hash_v2);
  info["name"] = status.name;
  info["magnet_uri"] = qbit_magnet_uri(status);
  info["category"] = status.category.value_or("");
  info["tags"] = join_tags(status.tags);
  info["save_path"] = status.download_dir;
  info["download_path"] = "";
  info["content_path"] = qbit_content_path(status);
  info["root_path"] = status.transfer.content_root.empty() ||
                              status.transfer.file_count == 1
                          ? std::string()
                          : child_path(status.download_dir,
                                       status.transfer.content_root);
  info["private"] = status.transfer.is_private;
  info["comment"] = status.transfer.comment;
  info["has_metadata"] = status.transfer.has_metadata;
  info["tracker"] = status.transfer.current_tracker;
  info["trackers_count"] = status.trackers.size();
}

void add_progress(const TorrentStatus& status, json& info) {
  const TorrentTransfer& transfer = status.transfer;
  info["size"] = status.bytes_total;
  info["total_size"] = qbit_total_size(status);
  info["progress"] = status.percent_complete / 100.0;
  info["completed"] = status.bytes_downloaded;
  info["amount_left"] = status.bytes_total > status.bytes_downloaded
                            ? status.bytes_total - status.bytes_downloaded
                            : 0;
  info["eta"] = status.eta_seconds.value_or(kQbitUnknownEta);
  info["availability"] = transfer.availability;
  info["downloaded"] = transfer.total_downloaded_bytes;
  info["uploaded"] = transfer.total_uploaded_bytes;
  info["downloaded_session"] = transfer.session_downloaded_bytes;
  info["uploaded_session"] = transfer.session_uploaded_bytes;
  info["dlspeed"] = status.download_bps;
  info["upspeed"] = status.upload_bps;
  info["ratio"] = status.ratio;
  double months = static_cast<double>(transfer.active_secs) / kSecondsPerMonth;
  info["popularity"] = months > 0 ? status.ratio / months : 0.0;
}

void add_swarm(const TorrentStatus& status, json& info) {
  const TorrentTransfer& transfer = status.transfer;
  info["num_seeds"] = transfer.seeds_connected;
  info["num_leechs"] = transfer.leechers_connected;
  info["num_complete"] = transfer.seeds_in_swarm;
  info["num_incomplete"] = transfer.leechers_in_swarm;
  info["reannounce"] = 0;
}

void add_times(const TorrentStatus& status, json& info) {
  const TorrentTransfer& transfer = status.transfer;
  info["added_on"] = unix_seconds(status.added_at_ms);
  info["completion_on"] =
      status.completed_at_ms ? unix_seconds(*status.completed_at_ms) : -1;
  info["last_activity"] =
      transfer.last_activity_ms ? unix_seconds(*transfer.last_activity_ms) : 0;
  info["seen_complete"] =
      transfer.seen_complete_ms ? unix_seconds(*transfer.seen_complete_ms) : 0;
  info["time_active"] = transfer.active_secs;
  info["seeding_time"] = transfer.seeding_secs;
}

void add_limits(const TorrentStatus& status, const QbitGlobals& globals,
                json& info) {
  info["dl_limit"] = status.settings.max_download_bps;
  info["up_limit"] = status.settings.max_upload_bps;
  const double ratio_limit = qbit_ratio_limit(status.settings);
  const std::int64_t seeding_minutes = qbit_seeding_time_limit(status.settings);
  info["ratio_limit"] = ratio_limit;
  info["seeding_time_limit"] = seeding_minutes;
  info["inactive_seeding_time_limit"] = -2;

  // The limit in force: the torrent's own, else the global one; -1 for none.
  double max_ratio = ratio_limit;
  if (ratio_limit == kQbitGlobalLimit) {
    max_ratio = globals.ratio_limit ? *globals.ratio_limit : kQbitNoLimit;
  }
  std::int64_t max_minutes = seeding_minutes;
  if (seeding_minutes == static_cast<std::int64_t>(kQbitGlobalLimit)) {
    max_minutes = globals.seeding_time_limit_secs
                      ? *globals.seeding_time_limit_secs / kSecondsPerMinute
                      : static_cast<std::int64_t>(kQbitNoLimit);
  }
  info["max_ratio"] = max_ratio;
  info["max_seeding_time"] = max_minutes;
  info["max_inactive_seeding_time"] = -1;
}

void add_flags(const TorrentStatus& status, const QbitGlobals& globals,
               json& info) {
  const TorrentTransfer& transfer = status.transfer;
  info["state"] = qbit_state(status, globals);
  info["priority"] = globals.queueing && transfer.queue_position >= 0
                         ? transfer.queue_position + 1
                         : 0;
  info["force_start"] = transfer.forced;
  info["seq_dl"] = status.sequential;
  info["f_l_piece_prio"] = false;
  info["super_seeding"] = status.settings.super_seeding;
  info["auto_tmm"] = false;
}

}  // namespace

QbitGlobals QbitGlobals::from(const ConfigSnapshot& snapshot) {
  const json& engine = engine_profile_of(snapshot);
  QbitGlobals globals;
  const json ratio = engine.value("seed_ratio_limit", json());
  if (ratio.is_number()) {
    globals.ratio_limit = ratio.get<double>();
  }
  const json seconds = engine.value("seed_time_limit", json());
  if (seconds.is_number_integer()) {
    globals.seeding_time_limit_secs = seconds.get<std::int64_t>();
  }
  globals.queueing = engine.value("max_active", 8) >= 0;
  return globals;
}

std::int64_t unix_seconds(std::int64_t ms) { return ms / 1000; }

std::int64_t qbit_total_size(const TorrentStatus& status) {
  return status.transfer.bytes_all_files > 0 ? status.transfer.bytes_all_files
                                             : status.bytes_total;
}

namespace {

// The display name as one path component. Before metadata the name is
// the magnet's dn, which may hold "../" or control characters. Separators
// and control characters become '_'; an empty, "." or ".." name becomes
// the hash.
std::string name_component(const TorrentStatus& status) {
  std::string name = status.name;
  for (char& c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || byte < 0x20 || byte == 0x7f) {
      c = '_';
    }
  }
  if (name.empty() || name == "." || name == "..") {
    return qbit_hash(status);
  }
  return name;
}

}  // namespace

std::string qbit_content_path(const TorrentStatus& status) {
  const std::string& root = status.transfer.content_root;
  return child_path(status.download_dir, root.empty() ? name_component(status) : root);
}

std::string qbit_magnet_uri(const TorrentStatus& status) {
  std::string uri = "magnet:?";
  std::string separator;
  if (!status.info_hash_v1.empty()) {
    uri += "xt=urn:btih:" + to_lower(status.info_hash_v1);
    separator = "&";
  }
  if (!status.info_hash_v2.empty()) {
    // A multihash: 0x12 (SHA-256), 0x20 (32 bytes), then the digest.
    uri += separator + "xt=urn:btmh:1220" + to_lower(status.info_hash_v2);
    separator = "&";
  }
  if (!status.name.empty()) {
    uri += separator + "dn=" + percent_encode(status.name);
    separator = "&";
  }
  for (const std::string& tracker : status.trackers) {
    uri += separator + "tr=" + percent_encode(tracker);
    separator = "&";
  }
  return uri;
}

json qbit_torrent_info(const TorrentStatus& status, const QbitGlobals& globals) {
  json info = json::object();
  add_identity(status, info);
  add_progress(status, info);
  add_swarm(status, info);
  add_times(status, info);
  add_limits(status, globals, info);
  add_flags(status, globals, info);
  return info;
}

}  // namespace revaer
