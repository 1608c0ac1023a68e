#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace revaer {

enum class TorrentState {
  queued,
  fetching_metadata,
  downloading,
  seeding,
  completed,
  failed,
  stopped,
};

std::string_view to_string(TorrentState state);

// Post-processing state of one torrent, as shown in its detail.
struct FsopsStatus {
  std::string state = "pending";  // pending|running|completed|failed|skipped
  std::optional<std::string> step;
  std::optional<std::string> error;
};

struct FileStatus {
  int index = 0;
  std::string path;  // relative to the torrent's download directory
  std::int64_t size_bytes = 0;
  std::int64_t bytes_completed = 0;
  std::string priority = "normal";  // skip|low|normal|high
  bool selected = true;
};

// The state of one torrent as the API shows it. The engine owns these
// values, and readers get copies.
struct TorrentStatus {
  std::string id;
  std::string name;
  TorrentState state = TorrentState::queued;
  std::string failure_message;

  std::int64_t bytes_downloaded = 0;  // verified payload on disk
  std::int64_t bytes_total = 0;
  double percent_complete = 0.0;
  std::optional<std::int64_t> eta_seconds;

  std::int64_t download_bps = 0;
  std::int64_t upload_bps = 0;
  double ratio = 0.0;

  std::string info_hash_v1;  // hex, empty for v2-only torrents
  std::string info_hash_v2;  // hex, empty for v1-only torrents
  std::string download_dir;
  std::optional<std::string> library_path;
  bool sequential = false;
  std::vector<std::string> tags;
  std::optional<std::string> category;
  std::vector<std::string> trackers;

  std::int64_t added_at_ms = 0;
  std::optional<std::int64_t> completed_at_ms;
  std::int64_t last_updated_ms = 0;

  std::vector<FileStatus> files;  // empty until metadata is known
  FsopsStatus fsops;
};

// An add request after the API has decoded its body. Exactly one of
// `magnet` and `metainfo` is set.
struct AddTorrentRequest {
  std::optional<std::string> id;  // client-chosen UUID
  std::optional<std::string> magnet;
  std::optional<std::string> metainfo;  // raw bencoded bytes
  std::optional<std::string> name;
  std::optional<std::string> download_dir;
  bool sequential = false;
  bool start_paused = false;
  std::vector<std::string> tags;
  std::optional<std::string> category;
  std::string request_id;
};

}  // namespace revaer
