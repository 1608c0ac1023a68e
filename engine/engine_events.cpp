#include "engine/engine_events.hpp"

#include <algorithm>

#include "core/clock.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// An empty `request_id` means no request caused the event.
EventInput make_event(const char* kind, const std::string& torrent_id,
                      json data, const std::string& request_id = {}) {
  EventInput event;
  event.kind = kind;
  event.torrent_id = torrent_id;
  event.data = std::move(data);
  if (!request_id.empty()) {
    event.request_id = request_id;
  }
  return event;
}

json optional_text(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

EventInput torrent_added_event(const TorrentStatus& torrent,
                               const std::string& request_id) {
  json data = {
      {"name", torrent.name},
      {"state", to_string(torrent.state)},
      {"info_hash_v1", torrent.info_hash_v1},
      {"info_hash_v2", torrent.info_hash_v2},
      {"download_dir", torrent.download_dir},
      {"tags", torrent.tags},
      {"category", optional_text(torrent.category)},
      {"added_at", format_rfc3339(torrent.added_at_ms)},
  };
  return make_event("torrent_added", torrent.id, std::move(data), request_id);
}

EventInput files_discovered_event(const std::string& torrent_id,
                                  const std::vector<FileStatus>& files) {
  json listed = json::array();
  std::int64_t total_bytes = 0;
  for (const FileStatus& file : files) {
    total_bytes += file.size_bytes;
    if (listed.size() < kMaxListedFiles) {
      listed.push_back({{"index", file.index},
                        {"path", file.path},
                        {"size_bytes", file.size_bytes},
                        {"priority", file.priority},
                        {"selected", file.selected}});
    }
  }
  json data = {
      {"file_count", files.size()},
      {"total_bytes", total_bytes},
      {"files", std::move(listed)},
      {"truncated", files.size() > kMaxListedFiles},
  };
  return make_event("files_discovered", torrent_id, std::move(data));
}

EventInput metadata_updated_event(const TorrentStatus& torrent,
                                  std::size_t file_count) {
  json data = {
      {"name", torrent.name},
      {"info_hash_v1", torrent.info_hash_v1},
      {"info_hash_v2", torrent.info_hash_v2},
      {"file_count", file_count},
      {"bytes_total", torrent.bytes_total},
  };
  return make_event("metadata_updated", torrent.id, std::move(data));
}

EventInput progress_event(const TorrentStatus& torrent) {
  json data = {
      {"state", to_string(torrent.state)},
      {"bytes_downloaded", torrent.bytes_downloaded},
      {"bytes_total", torrent.bytes_total},
      {"percent_complete", torrent.percent_complete},
      {"eta_seconds", torrent.eta_seconds ? json(*torrent.eta_seconds)
                                          : json(nullptr)},
      {"download_bps", torrent.download_bps},
      {"upload_bps", torrent.upload_bps},
      {"ratio", torrent.ratio},
  };
  return make_event("progress", torrent.id, std::move(data));
}

EventInput state_changed_event(const TorrentStatus& torrent,
                               TorrentState previous,
                               const std::string& request_id) {
  json data = {
      {"state", to_string(torrent.state)},
      {"previous", to_string(previous)},
  };
  if (torrent.state == TorrentState::failed) {
    data["failure_message"] = torrent.failure_message;
  }
  return make_event("state_changed", torrent.id, std::move(data),
                    request_id);
}

EventInput completed_event(const TorrentStatus& torrent) {
  json data = {
      {"name", torrent.name},
      {"state", to_string(torrent.state)},
      {"bytes_total", torrent.bytes_total},
      {"download_dir", torrent.download_dir},
      {"completed_at", torrent.completed_at_ms
                           ? json(format_rfc3339(*torrent.completed_at_ms))
                           : json(nullptr)},
  };
  return make_event("completed", torrent.id, std::move(data));
}

EventInput torrent_removed_event(const std::string& torrent_id,
                                 bool delete_data,
                                 const std::string& request_id) {
  return make_event("torrent_removed", torrent_id,
                    {{"delete_data", delete_data}}, request_id);
}

EventInput selection_reconciled_event(const std::string& torrent_id,
                                      const std::vector<std::string>& fixed) {
  json data = {{"torrent_id", torrent_id}, {"fixed", fixed}};
  return make_event("selection_reconciled", torrent_id, std::move(data));
}

}  // namespace revaer
