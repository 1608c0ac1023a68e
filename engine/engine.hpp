#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/torrent.hpp"
#include "engine/engine_faults.hpp"

namespace revaer {

// A proxy for peer and tracker connections.
struct ProxyOptions {
  std::string type = "socks5";  // socks4|socks5|http
  std::string host;
  int port = 1080;
  bool proxy_peers = true;
  bool proxy_trackers = true;
};

// Global transfer rate caps in bytes per second; 0 means unlimited.
struct RateCaps {
  int download_bps = 0;
  int upload_bps = 0;
};

// Engine-facing part of engine_profile, given at start and again through
// apply() after each settings commit. Rates are bytes per second; 0 means
// unlimited.
struct EngineOptions {
  // Addresses the session listens on ("127.0.0.1", "[::1]", "0.0.0.0"),
  // each combined with listen_port; port 0 picks a free port.
  std::vector<std::string> listen_interfaces = {"127.0.0.1", "[::1]"};
  // listen_interfaces is the default list, not one an operator chose;
  // engine_options_from_profile() sets it. An IPv6 address of the default
  // list that the host lacks (EADDRNOTAVAIL, EAFNOSUPPORT) is then logged
  // once as a warning instead of raising a listen fault, so a host without
  // IPv6 does not show a degraded engine.
  bool default_listen_interfaces = false;
  int listen_port = 6881;
  bool dht = false;
  bool lsd = false;
  bool upnp = false;
  bool natpmp = false;
  bool pex = false;  // read at start only: libtorrent cannot drop a plugin
  bool outgoing_utp = true;
  bool incoming_utp = true;
  std::string download_root;  // absolute; the default for new torrents
  std::string resume_dir;     // absolute; read at start only
  // Disk backend, read at start only: "posix" (pread/pwrite) or "mmap"
  // (memory-mapped files, whose pages count as resident memory).
  std::string disk_io = "posix";

  std::string encryption = "prefer";  // prefer|require|disable
  std::optional<ProxyOptions> proxy;
  int max_active = 8;  // active torrents; -1 for no limit
  int max_download_bps = 0;
  int max_upload_bps = 0;
  // While set (alternative speed is on), these caps replace the two above.
  std::optional<RateCaps> alt_speed;
  // Whether the global caps also apply to peers on local networks
  // (private, link-local and loopback addresses), as qBittorrent does by
  // default. Connections made before a change keep their old treatment.
  bool rate_limit_local_peers = true;
  std::optional<double> seed_ratio_limit;   // absent: libtorrent's default
  std::optional<int> seed_time_limit_secs;  // absent: libtorrent's default
  int connections_limit = 500;
  int connections_limit_per_torrent = 100;  // for torrents added later
  bool allocate_storage = false;  // for torrents added later; else sparse
  std::vector<std::string> blocked_cidrs;  // peers never connected to
  bool announce_to_all_trackers = false;
  bool announce_to_all_tiers = false;
  std::optional<std::string> user_agent;  // absent: "Revaer/<version>"
};

// A new path for one file of a torrent, relative to the torrent's download
// directory, as FileStatus::path shows it.
struct FileRename {
  int index = 0;
  std::string path;
};

// A move of a torrent in the download queue, where position 0 starts
// first.
enum class QueueMove { top, up, down, bottom };

// Progress of loading the stored torrents in the background after start().
struct LoadProgress {
  std::size_t loaded = 0;  // stored torrents loaded so far, failed ones included
  std::size_t total = 0;   // stored torrents found at start()
  bool loading() const { return loaded < total; }
};

// Facts the engine reports to the rest of the daemon. Called from the
// engine's alert thread; handlers must not block.
struct EngineCallbacks {
  // A torrent finished downloading every selected file.
  std::function<void(const TorrentStatus&)> on_completed;
  // The session's faults changed (a listen failure, a storage error, a
  // failed resume write, an exception in the alert loop); see
  // EngineFaults.
  EngineFaultSink on_faults_changed;
};

// True when `hash` (hex digits in any case) is the torrent's v1 info-hash,
// its v2 info-hash, or its v2 info-hash cut to 40 digits, the form that
// qBittorrent shows for a v2-only torrent.
bool has_info_hash(const TorrentStatus& status, std::string_view hash);

// Owns the BitTorrent session. Every method is safe to call from any
// thread. Except for start(), stop() and apply(), none blocks on the
// session: reads copy from an in-memory catalog, commands are posted.
class Engine {
 public:
  virtual ~Engine() = default;

  // Starts the session with `options` and returns while the persisted
  // torrents load in the background: each appears in list() once loaded,
  // and a call naming a torrent not loaded yet loads it first.
  // Called once; the daemon starts the engine only after setup completes.
  virtual void start(const EngineOptions& options) = 0;
  // True between start() and stop().
  virtual bool running() const = 0;
  // Applies changed options to the running session and returns once the
  // session has taken them, so it blocks briefly: call it from a worker
  // thread, not an I/O thread. Options read only at start (see
  // EngineOptions) wait for the next start. Does nothing while stopped.
  virtual void apply(const EngineOptions& options) = 0;
  // Pauses the session, writes resume data for every torrent and stops.
  virtual void stop() = 0;

  // Validates the source and queues the torrent. The torrent is visible to
  // list() and find() when this returns. Problems: 400 malformed magnet or
  // base64, 422 invalid metainfo or options, 409 duplicate info-hash (the
  // problem's extensions carry "existing_id").
  virtual Result<std::string> add(const AddTorrentRequest& request) = 0;

  // All torrents, ordered by (added_at_ms, id).
  virtual std::vector<TorrentStatus> list() const = 0;
  // Accepts or rejects a torrent for list_page(); `files` are its files,
  // empty until metadata is known.
  using TorrentMatch =
      std::function<bool(const TorrentStatus& status, const std::vector<FileStatus>& files)>;
  // At most `limit` torrents that `match` accepts, in list() order and
  // strictly after `after` when set, without their files. Copies only the
  // torrents it returns, so paging through a long list costs a page per
  // request. The default goes through list() and find().
  virtual std::vector<TorrentStatus> list_page(const std::optional<TorrentOrder>& after,
                                               std::size_t limit,
                                               const TorrentMatch& match) const;
  // One torrent with its files, or nullopt if the id is unknown.
  virtual std::optional<TorrentStatus> find(std::string_view id) const = 0;
  // The torrent that `hash` names (see has_info_hash()) with its files, or
  // nullopt. Like find(), it loads a stored torrent not loaded yet. The
  // default goes through list() and find().
  virtual std::optional<TorrentStatus> find_by_info_hash(std::string_view hash) const;

  // Problems: 404 unknown id.
  virtual Status pause(std::string_view id) = 0;
  virtual Status resume(std::string_view id) = 0;
  virtual Status remove(std::string_view id, bool delete_data) = 0;

  // Sets which files download and their priorities (see FileSelection).
  // Problems: 404 unknown id, 422 a file index out of range.
  virtual Status select_files(std::string_view id, const FileSelection& selection) = 0;
  // Announces to every tracker now. Problems: 409 a stopped torrent.
  virtual Status reannounce(std::string_view id) = 0;
  // Verifies every piece on disk again. Problems: 409 before metadata.
  virtual Status recheck(std::string_view id) = 0;
  // Changes per-torrent settings and the sequential flag.
  virtual Status update_settings(std::string_view id, const TorrentSettingsChange& change) = 0;
  // Moves the torrent's files to `download_dir` (absolute; the caller has
  // checked it against the allowed roots) while it keeps seeding. The move
  // finishes in the background; download_dir in the status changes when it
  // has. A failed move leaves the files where they were and sets
  // storage_move_error in the status; a new request clears it.
  virtual Status move_storage(std::string_view id, const std::string& download_dir) = 0;
  virtual Result<std::vector<TrackerStatus>> trackers(std::string_view id) const = 0;
  // Problems: 404 unknown id, 422 a URL that is not http(s) or udp.
  virtual Status edit_trackers(std::string_view id, const TrackerEdit& edit) = 0;
  // Adds and removes web seed URLs (BEP 19), removals first.
  virtual Status edit_web_seeds(std::string_view id, const std::vector<std::string>& add,
                                const std::vector<std::string>& remove) = 0;
  // The connected peers, read from the session, so the call waits briefly
  // for the session's network thread.
  virtual Result<std::vector<PeerStatus>> peers(std::string_view id) const = 0;

  // Labels, names and queue order. The defaults return a 501 problem, so
  // engines that lack them still build.

  // Sets the torrent's category, or clears it when `category` is nullopt,
  // and persists it. Problems: 404 unknown id, 422 an empty category or
  // one with control characters.
  virtual Status set_category(std::string_view id, const std::optional<std::string>& category);
  // Removes the tags in `remove`, then appends each tag of `add` that the
  // torrent lacks, and persists the result. Problems: 404 unknown id, 422
  // an empty tag or one with control characters.
  virtual Status edit_tags(std::string_view id, const std::vector<std::string>& add,
                           const std::vector<std::string>& remove);
  // Sets the name the API shows and persists it; files on disk keep their
  // names. Problems: 404 unknown id, 422 an empty name or one with control
  // characters.
  virtual Status rename(std::string_view id, const std::string& name);
  // Renames files on disk. Every new path is relative, has no empty, "."
  // or ".." component and no control characters, and no two files may end
  // up at one path. Problems: 404 unknown id, 409 before metadata or when
  // a new path is taken, 422 an invalid path or a file index out of range.
  virtual Status rename_files(std::string_view id, const std::vector<FileRename>& renames);
  // Moves the torrent in the download queue. Problems: 404 unknown id.
  virtual Status move_in_queue(std::string_view id, QueueMove move);

  // Records where post-processing put the payload (shown in the detail
  // and persisted) and the post-processing state.
  virtual void set_fsops_status(std::string_view id, const FsopsStatus& status,
                                std::optional<std::string> library_path) = 0;

  // Loading of the stored torrents, which start() leaves to a background
  // thread. The defaults suit an engine that loads nothing in the
  // background.

  // Counts of the stored torrents loaded so far; zero while stopped.
  virtual LoadProgress load_progress() const { return {}; }
  // Waits until every stored torrent is loaded or `timeout` passes.
  // Returns true when loading is over, also when the engine is stopped.
  virtual bool wait_loaded(std::chrono::milliseconds timeout) {
    (void)timeout;
    return true;
  }
};

}  // namespace revaer
