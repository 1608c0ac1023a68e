#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <libtorrent/download_priority.hpp>
#include <libtorrent/fwd.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "engine/engine.hpp"
#include "engine/engine_events.hpp"
#include "engine/libtorrent/move_queue.hpp"
#include "engine/libtorrent/fault_recovery.hpp"
#include "store/store.hpp"

namespace revaer {

class AtomicFileBatch;
class LoadQueue;
class StatusCatalog;
struct CatalogEntry;
struct PreparedLoad;

// The Engine on libtorrent-rasterbar 2.0. Owns one lt::session and one
// alert thread, which applies libtorrent's alerts (status updates about once
// a second, completion, resume data) to an in-memory catalog that list()
// and find() copy from. API methods other than start(), stop(), apply() and
// session_settings() never wait on the session: commands are posted to it
// and their outcome arrives as alerts.
//
// Persistence: each torrent's TorrentRecord is written to the store before
// add() returns; its resume data goes to "<resume_dir>/<id>.resume" after
// metadata arrives, on completion, on pause, every 10 seconds when changed
// and at stop() when not current. A ".running" marker in resume_dir detects an unclean
// stop; the next start then rechecks every incomplete torrent against the
// files on disk.
class LibtorrentEngine final : public Engine {
 public:
  // `store` must outlive the engine. Callbacks run on the alert thread.
  // Events go to `events`, which must outlive the engine: torrent_added,
  // files_discovered, metadata_updated, progress (about once a second per
  // changing torrent), state_changed, completed and torrent_removed.
  LibtorrentEngine(Store& store, EngineCallbacks callbacks,
                   EventPublisher& events);
  // An engine that publishes no events.
  LibtorrentEngine(Store& store, EngineCallbacks callbacks);
  // Stops the engine if it is running.
  ~LibtorrentEngine() override;

  LibtorrentEngine(const LibtorrentEngine&) = delete;
  LibtorrentEngine& operator=(const LibtorrentEngine&) = delete;

  // Throws std::invalid_argument when a directory in `options` is not
  // absolute, std::logic_error when already running, and StoreError or
  // std::system_error when the store or the resume directory fails.
  void start(const EngineOptions& options) override;
  bool running() const override;
  // Also throws std::invalid_argument when download_root is not absolute.
  void apply(const EngineOptions& options) override;
  void stop() override;

  // Problems also include 503 while the engine is not running and when the
  // store fails, and 409 when a client-chosen id names another torrent.
  Result<std::string> add(const AddTorrentRequest& request) override;
  std::vector<TorrentStatus> list() const override;
  std::vector<TorrentStatus> list_page(const std::optional<TorrentOrder>& after, std::size_t limit,
                                       const TorrentMatch& match) const override;
  std::optional<TorrentStatus> find(std::string_view id) const override;
  // Looks the hash up in the catalog's info-hash index, not in list().
  std::optional<TorrentStatus> find_by_info_hash(std::string_view hash) const override;

  // Both persist the paused state in the torrent's record first, so they
  // also return 503 when the store fails.
  Status pause(std::string_view id) override;
  Status resume(std::string_view id) override;
  Status remove(std::string_view id, bool delete_data) override;

  // File selection and per-torrent settings (torrent_options.cpp). Both
  // are persisted in the torrent's record before they return, and reach
  // the session asynchronously. Problems also include 503 while the engine
  // is not running and when the store fails.
  Status select_files(std::string_view id, const FileSelection& selection) override;
  Status update_settings(std::string_view id, const TorrentSettingsChange& change) override;

  // Torrent control (torrent_control.cpp). Each call logs one line with
  // the torrent id. Problems: 404 unknown id, 503 while not running, 409
  // when the session never added the torrent (it failed to load).
  // Also 409 while the torrent is stopped.
  Status reannounce(std::string_view id) override;
  // Also 409 while the torrent has no metadata.
  Status recheck(std::string_view id) override;
  // Also 422 when `download_dir` is not absolute or has a ".." component
  // or control characters. On storage_moved_alert the new folder goes to
  // the status and the store. A failed move is logged with the torrent id,
  // sets storage_move_error in the status and changes neither.
  Status move_storage(std::string_view id, const std::string& download_dir) override;
  // Copies the tracker list that the alert thread reads from the session
  // after each tracker alert and each edit. Does not wait on the session.
  Result<std::vector<TrackerStatus>> trackers(std::string_view id) const override;
  // Also 422 for a URL that is not http, https or udp with a host, or a
  // tier outside 0..255. The status and the store follow once the alert
  // thread has read the edited list back from the session.
  Status edit_trackers(std::string_view id, const TrackerEdit& edit) override;
  // Also 422 for an added URL that is not http or https with a host.
  Status edit_web_seeds(std::string_view id, const std::vector<std::string>& add,
                        const std::vector<std::string>& remove) override;
  // Reads the connected peers synchronously with get_peer_info(), so it
  // blocks until the session's network thread replies, which takes longer
  // while that thread is busy. Call it from a thread that may wait.
  Result<std::vector<PeerStatus>> peers(std::string_view id) const override;

  // Labels, names and queue order (torrent_labels.cpp). Category, tags and
  // name are persisted in the torrent's record before the call returns.
  // Problems also include 503 while the engine is not running and when
  // the store fails.
  Status set_category(std::string_view id, const std::optional<std::string>& category) override;
  Status edit_tags(std::string_view id, const std::vector<std::string>& add,
                   const std::vector<std::string>& remove) override;
  Status rename(std::string_view id, const std::string& name) override;
  // Also 409 when the session never added the torrent, and when a new
  // path names a file or folder that already exists on disk, because
  // libtorrent would replace it. The renames finish in the background: a
  // file's path in the status changes when libtorrent reports it renamed,
  // and the resume data saved then keeps it across restarts.
  Status rename_files(std::string_view id, const std::vector<FileRename>& renames) override;
  // Also 409 when the session never added the torrent.
  // NOTE: queue positions live in the session only, so a restart loads
  // torrents in store order and the moves are lost.
  Status move_in_queue(std::string_view id, QueueMove move) override;

  // An absent `library_path` leaves the recorded one unchanged.
  void set_fsops_status(std::string_view id, const FsopsStatus& status,
                        std::optional<std::string> library_path) override;

  LoadProgress load_progress() const override;
  bool wait_loaded(std::chrono::milliseconds timeout) override;

  // The TCP port the session listens on, 0 when not running. Lets tests
  // connect a peer to the engine.
  int listen_port() const;

  // The live session's settings, read synchronously from the session, for
  // tests that check what apply() did. Throws std::logic_error when the
  // engine is not running.
  lt::settings_pack session_settings() const;

  // The torrent's live handle, invalid when the id is unknown or the
  // session has not added it yet, for tests that read per-torrent limits
  // back from libtorrent.
  lt::torrent_handle torrent_handle_for_testing(std::string_view id) const;

  // While held, the loader thread loads no stored torrent, so tests can
  // act on torrents that are stored but not loaded yet. stop() still ends
  // the loading. Also works before start().
  void hold_loading_for_testing(bool hold);

 private:
  // Lifecycle (libtorrent_engine.cpp).
  // Prepares and commits one record on the calling thread.
  void load_torrent(const TorrentRecord& record, bool unclean_stop);
  // Inserts a prepared torrent into the catalog and hands it to the
  // session, unless the catalog has a torrent with its id or info-hash.
  void commit_load(PreparedLoad load);

  // Background loading of the stored torrents (torrent_loading.cpp).
  // Queues `records` and starts the loader thread.
  void start_loading(std::vector<TorrentRecord> records, bool unclean_stop);
  void run_loader();
  // Prepares copies of `batch` without the load mutex, on one thread per
  // CPU up to 8, then commits each record that is still queued under it.
  // Returns false when stop() ended the loading meanwhile.
  bool load_batch(const std::vector<TorrentRecord>& batch);
  // Loads one queued record; the caller holds load_mutex_. Logs and
  // swallows an error, leaving the record in the store.
  void load_queued(const TorrentRecord& record);
  // Loads the stored torrent `id` now if it is still queued, for a request
  // that names it. Returns true when it did.
  bool load_now(std::string_view id);
  // Loads the queued torrent with one of `hashes`, for an add of the same
  // torrent, so the add finds it.
  void load_now(const lt::info_hash_t& hashes);
  // Loads the stored torrent that the lower-case `info_hash_hex` names
  // (see LoadQueue::take_info_hash()) now if it is still queued, for a
  // request that names it by info-hash. Returns true when it did.
  bool load_now_by_info_hash(const std::string& info_hash_hex);
  // Stops the loader thread and drops the records it has not loaded; they
  // stay in the store unchanged.
  void stop_loading();
  // Resume data at stop (stop_saves.cpp). Requests resume data for the
  // torrents that need it and waits for it, bounded by kStopSaveTimeout
  // plus a time per torrent. Returns the counts for stop()'s log line, and
  // `complete` false when some did not arrive in time.
  struct StopSaves {
    std::size_t torrents = 0;
    std::size_t requested = 0;
    std::size_t written = 0;
    std::size_t unchanged = 0;
    std::size_t missing = 0;
    bool complete = true;
  };
  StopSaves save_for_stop();

  // Storage moves (storage_moves.cpp). libtorrent runs at most
  // kMaxRunningMoves moves at a time; moves_ keeps the others waiting.
  void start_moves(const std::vector<StorageMove>& moves);
  // Hands one move to libtorrent, with `handle` or, when that is invalid,
  // the catalog's handle. A torrent not in the session finishes it at once.
  void start_move(const StorageMove& move, lt::torrent_handle handle);
  // Alert thread: the move of `id` succeeded or failed, so the next may
  // start.
  void finish_move(const std::string& id);
  struct StopMoves {
    std::size_t waiting = 0;
    std::size_t running = 0;
  };
  // stop(): writes the moves that have not started to the waiting-moves
  // file for the next start, and waits for the running ones, bounded.
  void keep_waiting_moves(StopMoves& counts);
  // start(): reads the waiting-moves file and deletes it; each move is
  // requested again once the session has added its torrent.
  void restore_waiting_moves();
  void resume_restored_move(const std::string& id);
  // Waits until no save_resume_data request is outstanding or `timeout`
  // passes. Returns the number of torrents still waiting.
  std::size_t wait_for_saves(std::chrono::milliseconds timeout);
  void teardown_session();
  // Writes the entry's record to the store after `change` ran on the entry,
  // serialized with every other record write. Returns false when the id is
  // unknown. Throws StoreError.
  bool update_record(std::string_view id, const std::function<void(CatalogEntry&)>& change);
  // Persists whether the user stopped the torrent, so a restart keeps it
  // stopped also when it has no resume data yet. Returns 404 for an
  // unknown id and 503 when the store fails.
  std::optional<Problem> store_paused(std::string_view id, bool paused);

  // Selection, settings and seed limits (torrent_options.cpp).
  // Applies a selection or settings change that arrived before the session
  // had added the torrent, once its handle is attached.
  void apply_pending_options(const std::string& id, const lt::torrent_handle& handle);
  // Sets the record's file priorities when a magnet's metadata arrives and
  // returns them.
  std::vector<lt::download_priority_t> apply_selection_on_metadata(
      const std::string& id, const lt::torrent_handle& handle, const lt::torrent_info& info);
  // Pauses a seeding torrent that met its own ratio or seeding time limit
  // and stores the pause in its record, as pause() does.
  void enforce_seed_limits(const std::string& id, const TorrentSettings& settings,
                           const lt::torrent_status& status);
  // Checks the seeding time limits of torrents that have one, because a
  // seeding torrent without peers sends no status updates.
  void check_seed_time_limits();
  // Whether resume() and a pending resume may hand the torrent to the queue.
  bool wants_auto_managed(std::string_view id) const;
  // Resumes a checked torrent that waits paused and auto-managed for
  // libtorrent's queue when its queue position is below the active
  // downloads limit and its record is not paused. The queue would start it
  // anyway, but it looks again only once a second. A torrent past the
  // limit stays queued.
  void start_if_queue_has_room(std::string_view id, const lt::torrent_handle& handle);

  // Alert thread (engine_alerts.cpp).
  void run_alert_loop();
  void dispatch_alert(lt::alert* alert);
  void on_state_update(const lt::state_update_alert& alert);
  void on_torrent_added(const lt::add_torrent_alert& alert);
  void on_torrent_checked(const lt::torrent_checked_alert& alert);
  void on_metadata_received(const lt::metadata_received_alert& alert);
  void on_torrent_finished(const lt::torrent_finished_alert& alert);
  // Stamps completed_at, persists it and calls on_completed, once per
  // torrent.
  void record_completion(const std::string& id, const lt::torrent_status& status);
  void on_resume_data(const lt::save_resume_data_alert& alert);
  void on_resume_data_failed(const lt::save_resume_data_failed_alert& alert);
  void request_periodic_saves();
  void request_save(const lt::torrent_handle& handle, bool only_if_modified);
  // Records for stop()'s log line whether the torrent's file was written
  // or found current. Does nothing unless stop() runs.
  void note_stop_answer(const lt::torrent_handle& handle, bool written);
  // Counts one response (resume data or failure) to a request for `handle`.
  void finish_save(const lt::torrent_handle& handle);
  void refresh_files(const std::string& id, const lt::torrent_status& status);
  void publish_status_events(const TorrentStatus& status, TorrentState previous,
                             const std::string& request_id);
  // Runs one pass of the alert loop: alerts, status requests, saves.
  void run_alert_iteration(std::chrono::steady_clock::time_point& next_status,
                           std::chrono::steady_clock::time_point& next_save,
                           std::vector<lt::alert*>& alerts);
  // Sleeps for `pause` or until stop() requests the alert thread to end.
  void wait_unless_stopping(std::chrono::milliseconds pause) const;

  // Session faults (fault_recovery.cpp), alert thread only: raised in
  // faults_, retried with bounded back-off from retry_faults() and
  // cleared when the retry works or the torrent is removed.
  void on_listen_failed(const lt::listen_failed_alert& alert);
  void on_listen_succeeded(const lt::listen_succeeded_alert& alert);
  bool has_listen_fault() const;
  void on_file_error(const lt::file_error_alert& alert);
  void on_torrent_error(const lt::torrent_error_alert& alert);
  void raise_storage_fault(const std::string& id, const std::string& reason);
  void on_resume_write_failed(const std::string& id, const std::exception& error);
  void on_resume_written(const std::string& id);
  // Clears the torrent's storage fault once a status after a retry shows
  // no error and more data on disk, or a finished torrent.
  void check_storage_recovery(const std::string& id, const lt::torrent_status& status);
  void retry_faults();
  std::optional<lt::torrent_handle> faulty_torrent_handle(const std::string& id,
                                                          const std::string& key);
  using TorrentRetry =
      std::function<void(const std::string& id, const lt::torrent_handle&, TorrentFault&)>;
  // Runs `retry` for each due fault in `faults` whose torrent the session
  // has added, and drops the faults of removed torrents.
  void retry_torrent_faults(std::map<std::string, TorrentFault>& faults,
                            std::string (*key_of)(const std::string&), const TorrentRetry& retry);
  void retry_storage(const std::string& id, const lt::torrent_handle& handle,
                     TorrentFault& fault);

  // Torrent control (torrent_control.cpp). The caller holds
  // session_mutex_ and has checked running_. Returns the torrent's handle,
  // asking the session when the alert thread has not attached it yet.
  Result<lt::torrent_handle> control_handle(std::string_view id) const;
  // Asks the alert thread to read the torrent's trackers and web seeds
  // from the session again. With `persist` it also stores them.
  void request_source_refresh(const std::string& id, bool persist);
  // Alert thread: runs the refreshes requested since the last call.
  void refresh_requested_sources();
  void refresh_sources(const std::string& id, const lt::torrent_handle& handle, bool persist);
  void on_tracker_alert(const lt::tracker_alert& alert);
  void on_storage_moved(const lt::storage_moved_alert& alert);
  void on_storage_move_failed(const lt::storage_moved_failed_alert& alert);
  // File renames (torrent_labels.cpp): the new path goes to the status and
  // the resume data.
  void on_file_renamed(const lt::file_renamed_alert& alert);
  void on_file_rename_failed(const lt::file_rename_failed_alert& alert);

  Store& store_;
  EngineCallbacks callbacks_;
  // The session's current faults, reported to callbacks_.on_faults_changed.
  EngineFaults faults_{callbacks_.on_faults_changed};
  FaultRecovery recovery_;  // alert thread only
  NullEventPublisher no_events_;
  EventPublisher& events_;
  EngineOptions options_;
  std::unique_ptr<StatusCatalog> catalog_;

  // Serializes start() and stop().
  std::mutex lifecycle_mutex_;
  // API methods lock it shared while they use the session. stop() locks it
  // exclusively to turn running_ off, so no API thread uses the session
  // after that.
  mutable std::shared_mutex session_mutex_;
  std::unique_ptr<lt::session> session_;
  std::atomic<bool> running_{false};
  std::atomic<int> listen_port_{0};
  // options.default_listen_interfaces of the last start() or apply(), read
  // by the alert thread.
  std::atomic<bool> default_listen_interfaces_{false};
  // A missing IPv6 address of the default listen interfaces was logged in
  // this run (alert thread only, reset by start()).
  bool missing_ipv6_logged_ = false;

  // Serializes store writes with the catalog changes they record.
  std::mutex write_mutex_;
  // Serializes resume-file writes with their deletion on remove().
  std::mutex resume_files_mutex_;

  std::thread alert_thread_;
  std::atomic<bool> stop_alert_thread_{false};

  // Background loading. load_mutex_ guards load_queue_ and is held while
  // records are taken from it and committed, so a record is either queued
  // or in the catalog.
  // Lock order: session_mutex_, write_mutex_, load_mutex_, then the
  // catalog's own mutex.
  std::mutex load_mutex_;
  std::condition_variable loading_done_;
  std::condition_variable loader_wakeup_;  // stop_loader_ or hold_loading_ changed
  bool hold_loading_ = false;
  std::unique_ptr<LoadQueue> load_queue_;
  bool unclean_start_ = false;  // the run before start() did not stop cleanly
  std::thread loader_thread_;
  bool stop_loader_ = false;  // guarded by load_mutex_
  std::atomic<bool> loading_{false};  // records are queued
  std::atomic<std::size_t> loads_total_{0};
  std::atomic<std::size_t> loads_done_{0};
  // stop() keeps the ".running" marker because some records were not
  // loaded after an unclean stop, so the next start still rechecks them.
  std::atomic<bool> keep_running_marker_{false};
  // options_.connections_limit_per_torrent, which apply() changes while
  // the loader reads it.
  std::atomic<int> loading_connections_limit_{0};
  // The session's active downloads limit (max_active), for
  // start_if_queue_has_room without a synchronous settings read.
  std::atomic<int> active_downloads_limit_{0};

  static constexpr std::size_t kMaxRunningMoves = 2;
  MoveQueue moves_{kMaxRunningMoves};
  // Moves kept at the last stop whose torrent the session has not added.
  std::mutex restored_moves_mutex_;
  std::map<std::string, std::string> restored_moves_;

  // save_resume_data requests without a response yet, per torrent.
  std::mutex saves_mutex_;
  std::condition_variable saves_done_;
  std::map<lt::torrent_handle, int> outstanding_saves_;
  // While stop() saves resume data, the alert thread adds each file to
  // stop_batch_ (under resume_files_mutex_), which stop() commits at once,
  // and pauses caused by stop() request no saves of their own.
  std::atomic<bool> stopping_{false};
  std::unique_ptr<AtomicFileBatch> stop_batch_;
  // Torrents whose resume file stop() wrote, or found current (guarded by
  // saves_mutex_).
  std::set<lt::torrent_handle> stop_written_;
  std::set<lt::torrent_handle> stop_unchanged_;

  // Torrents removed before the session reported them added, by primary
  // info-hash hex: the value is remove(delete_data).
  std::mutex removals_mutex_;
  std::map<std::string, bool> pending_removals_;

  // Torrents whose trackers and web seeds the alert thread reads again
  // after its next batch of alerts, each with whether to store them.
  std::mutex source_refreshes_mutex_;
  std::map<std::string, bool> source_refreshes_;
};

}  // namespace revaer
