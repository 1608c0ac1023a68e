#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// Per-torrent settings. Rates are bytes per second and 0 means unlimited;
// a limit of 0 connections or upload slots means the session's default.
struct TorrentSettings {
  std::int64_t max_download_bps = 0;
  std::int64_t max_upload_bps = 0;
  int max_connections = 0;
  int max_uploads = 0;
  std::optional<double> seed_ratio_limit;           // absent: the global one
  std::optional<std::int64_t> seed_time_limit_secs;  // absent: the global one
  bool auto_managed = true;  // the queue starts and stops it
  bool super_seeding = false;
};

// A partial change of TorrentSettings and the sequential flag: an absent
// member keeps its value. `clear_seed_ratio_limit` and
// `clear_seed_time_limit` return those limits to the global ones.
struct TorrentSettingsChange {
  std::optional<std::int64_t> max_download_bps;
  std::optional<std::int64_t> max_upload_bps;
  std::optional<int> max_connections;
  std::optional<int> max_uploads;
  std::optional<double> seed_ratio_limit;
  std::optional<std::int64_t> seed_time_limit_secs;
  bool clear_seed_ratio_limit = false;
  bool clear_seed_time_limit = false;
  std::optional<bool> auto_managed;
  std::optional<bool> super_seeding;
  std::optional<bool> sequential;
};

// Which files of a torrent are downloaded. A file is selected when it
// matches an include glob (or `include` is empty), matches no exclude
// glob, and is not inside a fluff folder while `skip_fluff` is set (see
// core/path_glob.hpp). A selected file gets its entry in `priorities` or
// "normal"; an unselected one gets "skip". A priority of "skip" also
// unselects the file. Rules set before metadata arrives apply when it does.
struct FileSelection {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool skip_fluff = false;
  std::vector<std::pair<int, std::string>> priorities;  // index, skip|low|normal|high
};

struct TrackerEntry {
  std::string url;
  int tier = 0;
};

// One tracker of a torrent as the session reports it.
struct TrackerStatus {
  std::string url;
  int tier = 0;
  std::string status = "not_contacted";  // not_contacted|updating|working|error
  std::string message;                   // the tracker's last error or warning
  int seeds = -1;                        // -1 when the tracker did not say
  int peers = -1;
  std::optional<std::int64_t> next_announce_ms;  // Unix time
};

// An edit of a torrent's trackers: with `replace`, `add` becomes the whole
// list; otherwise `remove` (by URL) goes first, then `add` is appended.
struct TrackerEdit {
  std::vector<TrackerEntry> add;
  std::vector<std::string> remove;
  bool replace = false;
};

// One connected peer.
struct PeerStatus {
  std::string address;     // "ip:port", IPv6 in brackets
  std::string client;      // from the peer's handshake; may be empty
  std::string connection;  // tcp|utp
  bool encrypted = false;
  bool incoming = false;
  double progress = 0.0;  // 0..1 of the pieces the peer has
  std::int64_t download_bps = 0;
  std::int64_t upload_bps = 0;
  std::int64_t downloaded_bytes = 0;
  std::int64_t uploaded_bytes = 0;
};

// Details the session last reported about one torrent beyond its state and
// progress, for detailed views such as the qBittorrent WebAPI façade.
struct TorrentTransfer {
  // Payload bytes over the torrent's lifetime (kept in resume data) and
  // since the daemon started.
  std::int64_t total_downloaded_bytes = 0;
  std::int64_t total_uploaded_bytes = 0;
  std::int64_t session_downloaded_bytes = 0;
  std::int64_t session_uploaded_bytes = 0;
  // Size of every file, selected or not (bytes_total counts selected
  // files only), and the verified bytes among them.
  std::int64_t bytes_all_files = 0;
  std::int64_t bytes_done_all_files = 0;
  std::int64_t wasted_bytes = 0;

  int seeds_connected = 0;
  int leechers_connected = 0;
  int seeds_in_swarm = -1;     // from tracker scrapes; -1 when unknown
  int leechers_in_swarm = -1;  // from tracker scrapes; -1 when unknown
  double availability = -1.0;  // distributed copies; -1 when unknown

  // Unix time of the last payload sent or received, if any.
  std::optional<std::int64_t> last_activity_ms;
  std::int64_t seeding_secs = 0;  // time spent seeding, lifetime
  std::int64_t active_secs = 0;   // time spent started, lifetime
  int queue_position = -1;        // 0-based; -1 when not in the queue
  std::string current_tracker;    // the URL of the last working announce

  // Activity libtorrent reports, which TorrentState folds into queued.
  bool has_metadata = false;
  bool checking_files = false;
  bool checking_resume_data = false;
  bool moving_storage = false;
  bool forced = false;  // started and exempt from the queue (not auto-managed)
  bool files_missing = false;  // the error is a missing file

  // From the metadata; empty or zero until it arrives.
  int piece_size = 0;
  int pieces_total = 0;
  int pieces_have = 0;
  int file_count = 0;
  std::string comment;
  std::string created_by;
  std::optional<std::int64_t> created_at_ms;  // Unix time
  bool is_private = false;  // BEP 27: peers only from the trackers
  // The single file, or the top folder of the first and last files when
  // they share one, relative to download_dir. Empty before metadata or
  // when those files share no folder.
  std::string content_root;
  // Unix time a peer (or this client) last had every piece, if ever.
  std::optional<std::int64_t> seen_complete_ms;
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
  FileSelection selection;        // the rules `files` were selected by
  TorrentSettings settings;
  std::vector<std::string> web_seeds;
  FsopsStatus fsops;

  TorrentTransfer transfer;  // read from the session, zero until it reports

  // The engine's reason for the failure of the last storage move, e.g.
  // "Permission denied (file_rename of '/downloads/Show/a.mkv')". A new
  // move request and a finished move clear it.
  std::optional<std::string> storage_move_error;
};

// The position of a torrent in list order: (added_at_ms, id).
struct TorrentOrder {
  std::int64_t added_at_ms = 0;
  std::string id;

  friend auto operator<=>(const TorrentOrder&, const TorrentOrder&) = default;
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
  std::vector<TrackerEntry> trackers;  // added to those of the source
  bool replace_trackers = false;       // `trackers` replace the source's
  FileSelection selection;
  TorrentSettingsChange settings;
  std::string request_id;
};

}  // namespace revaer
