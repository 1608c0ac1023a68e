#include "engine/libtorrent/libtorrent_engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/ip_filter.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/request_scope.hpp"
#include "engine/libtorrent/add_params.hpp"
#include "engine/libtorrent/file_selection.hpp"
#include "engine/libtorrent/load_preparation.hpp"
#include "engine/libtorrent/load_queue.hpp"
#include "engine/libtorrent/reconcile.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "engine/libtorrent/session_settings.hpp"
#include "engine/libtorrent/status_catalog.hpp"
#include "engine/libtorrent/status_mapping.hpp"
#include "engine/libtorrent/streaming_hash_disk_io.hpp"
#include "engine/libtorrent/torrent_settings.hpp"

namespace revaer {
namespace {

Problem not_running() { return Problem::unavailable("the torrent engine is not running"); }

Problem unknown_torrent(std::string_view id) {
  return Problem::not_found("no torrent with id '" + std::string(id) + "'");
}

Problem duplicate_torrent(const std::string& existing_id, const std::string& detail) {
  Problem problem = Problem::conflict(detail);
  problem.extensions["existing_id"] = existing_id;
  return problem;
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

bool has_dot_dot_component(const std::filesystem::path& path) {
  return std::any_of(path.begin(), path.end(),
                     [](const std::filesystem::path& part) { return part == ".."; });
}

// Replaces control characters, which would let a name forge log lines.
std::string printable_name(std::string name) {
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return name;
}

std::optional<Problem> validate_request(const AddTorrentRequest& request) {
  if (request.name && (request.name->empty() || has_control_character(*request.name))) {
    return Problem::unprocessable("invalid torrent name",
                                  {{"/name", "must be non-empty text without control characters"}});
  }
  if (request.download_dir && (has_control_character(*request.download_dir) ||
                               has_dot_dot_component(*request.download_dir))) {
    return Problem::unprocessable(
        "invalid download_dir",
        {{"/download_dir", "must be an absolute path without .. or control characters"}});
  }
  if (request.id && !is_uuid(*request.id)) {
    return Problem::unprocessable(
        "invalid torrent id '" + *request.id + "'",
        {{"/id", "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000"}});
  }
  if (request.download_dir && !std::filesystem::path(*request.download_dir).is_absolute()) {
    return Problem::unprocessable("invalid download_dir '" + *request.download_dir + "'",
                                  {{"/download_dir", "must be an absolute path"}});
  }
  return std::nullopt;
}

// Checks the selection, settings and trackers of an add request. File
// indexes are checked against the metainfo's files; a magnet's are checked
// when its metadata arrives, and out-of-range ones are ignored then.
std::optional<Problem> validate_add_options(const AddTorrentRequest& request,
                                            const lt::add_torrent_params& params) {
  const std::optional<int> file_count =
      params.ti ? std::optional<int>(params.ti->num_files()) : std::nullopt;
  if (auto problem = validate_selection(request.selection, file_count, "")) return problem;
  if (auto problem = validate_settings_change(request.settings, "")) return problem;
  return validate_trackers(request.trackers, "/trackers");
}

// Returns true when `dir` is `root` or lies below it, comparing the
// normalised paths component by component. validate_request() has already
// rejected ".." components, so the comparison cannot be walked around.
bool is_within_root(const std::filesystem::path& dir, const std::filesystem::path& root) {
  const std::filesystem::path normal_dir = dir.lexically_normal();
  const std::filesystem::path normal_root = root.lexically_normal();
  auto dir_part = normal_dir.begin();
  for (const std::filesystem::path& root_part : normal_root) {
    if (root_part.empty()) continue;  // the trailing "" of "/data/"
    if (dir_part == normal_dir.end() || *dir_part != root_part) return false;
    ++dir_part;
  }
  return true;
}

// A download folder outside download_root would let any key that may add
// torrents write files wherever the daemon can, so it is rejected.
std::optional<Problem> check_download_dir(const AddTorrentRequest& request,
                                          const std::string& download_root) {
  if (!request.download_dir || is_within_root(*request.download_dir, download_root)) {
    return std::nullopt;
  }
  return Problem::unprocessable(
      "invalid download_dir '" + printable_name(*request.download_dir) + "'",
      {{"/download_dir", "must be inside engine_profile.download_root (" + download_root + ")"}});
}

bool record_matches(const TorrentRecord& record, const lt::info_hash_t& hashes) {
  return record.info_hash == info_hash_v1_hex(hashes) ||
         record.info_hash == info_hash_v2_hex(hashes);
}

// A catalog entry for `record`, whose torrent `params` describe.
CatalogEntry make_entry(const TorrentRecord& record, const lt::add_torrent_params& params) {
  CatalogEntry entry;
  entry.record = record;
  entry.info_hashes = params.info_hashes;

  TorrentStatus& status = entry.status;
  status.id = record.id;
  status.name = record.name;
  const bool has_metadata = params.ti && params.ti->is_valid();
  status.state = has_metadata ? TorrentState::queued : TorrentState::fetching_metadata;
  status.info_hash_v1 = info_hash_v1_hex(params.info_hashes);
  status.info_hash_v2 = info_hash_v2_hex(params.info_hashes);
  status.download_dir = record.download_dir;
  status.library_path = record.library_path;
  status.sequential = record.sequential;
  status.tags = record.tags;
  status.category = record.category;
  status.trackers = tracker_urls(params);
  status.added_at_ms = record.added_at_ms;
  status.completed_at_ms = record.completed_at_ms;
  status.last_updated_ms = now_unix_ms();
  status.selection = record.selection;
  status.settings = record.settings;
  status.web_seeds = record.web_seeds;
  if (status.web_seeds.empty()) {
    status.web_seeds.assign(params.url_seeds.begin(), params.url_seeds.end());
  }

  if (has_metadata) {
    entry.info = params.ti;
    std::vector<lt::download_priority_t> priorities(params.file_priorities.begin(),
                                                    params.file_priorities.end());
    entry.files = describe_files(*params.ti, priorities, {});
    // Resume data keeps the files renamed by rename_files().
    for (FileStatus& file : entry.files) {
      const auto renamed = params.renamed_files.find(lt::file_index_t{file.index});
      if (renamed != params.renamed_files.end()) file.path = renamed->second;
    }
    // Until the first status update: every file, pad files excluded.
    for (const FileStatus& file : entry.files) status.bytes_total += file.size_bytes;
  }
  if (record.library_path) {
    status.fsops.state = "completed";
  }
  // A torrent that completed but never reached the library (the daemon
  // stopped in between) reports completion again, so post-processing runs.
  entry.completion_reported = record.completed_at_ms.has_value() && record.library_path;
  return entry;
}

TorrentRecord make_record(const AddTorrentRequest& request, const lt::add_torrent_params& params,
                          std::string id, std::string download_dir) {
  TorrentRecord record;
  record.id = std::move(id);
  record.info_hash = primary_info_hash_hex(params.info_hashes);
  record.name = printable_name(request.name.value_or(torrent_name(params)));
  if (record.name.empty()) record.name = record.info_hash;
  record.source_is_magnet = request.magnet.has_value();
  record.source = record.source_is_magnet ? *request.magnet : *request.metainfo;
  record.download_dir = std::move(download_dir);
  record.added_at_ms = now_unix_ms();
  record.tags = request.tags;
  record.category = request.category;
  record.sequential = request.sequential;
  record.paused = request.start_paused;
  merge_settings_change(request.settings, record.settings, record.sequential);
  record.selection = request.selection;
  record.trackers = request.trackers;
  record.replace_trackers = request.replace_trackers;
  return record;
}

// Pauses the torrent and takes it out of the queue, as pause() does, for
// a record the user stopped. Returns true when `params` had it running.
bool stop_as_paused(lt::add_torrent_params& params) {
  const bool was_stopped = (params.flags & lt::torrent_flags::paused) &&
                           !(params.flags & lt::torrent_flags::auto_managed);
  params.flags |= lt::torrent_flags::paused;
  params.flags &= ~lt::torrent_flags::auto_managed;
  return !was_stopped;
}

void require_absolute(const std::string& path, const char* name) {
  if (path.empty() || !std::filesystem::path(path).is_absolute()) {
    throw std::invalid_argument(std::string("engine option ") + name +
                                " must be an absolute path, got '" + path + "'");
  }
}

}  // namespace

LibtorrentEngine::LibtorrentEngine(Store& store, EngineCallbacks callbacks,
                                   EventPublisher& events)
    : store_(store),
      callbacks_(std::move(callbacks)),
      events_(events),
      catalog_(std::make_unique<StatusCatalog>()),
      load_queue_(std::make_unique<LoadQueue>()) {
  catalog_->set_miss_loader([this](std::string_view id) { return load_now(id); });
  catalog_->set_hash_miss_loader(
      [this](const std::string& info_hash_hex) { return load_now_by_info_hash(info_hash_hex); });
}

LibtorrentEngine::LibtorrentEngine(Store& store, EngineCallbacks callbacks)
    : store_(store),
      callbacks_(std::move(callbacks)),
      events_(no_events_),
      catalog_(std::make_unique<StatusCatalog>()),
      load_queue_(std::make_unique<LoadQueue>()) {
  catalog_->set_miss_loader([this](std::string_view id) { return load_now(id); });
  catalog_->set_hash_miss_loader(
      [this](const std::string& info_hash_hex) { return load_now_by_info_hash(info_hash_hex); });
}

LibtorrentEngine::~LibtorrentEngine() {
  try {
    stop();
  } catch (const std::exception& error) {
    spdlog::error("could not stop the torrent engine: {}", error.what());
  }
}

void LibtorrentEngine::start(const EngineOptions& options) {
  std::lock_guard lifecycle(lifecycle_mutex_);
  if (running_) throw std::logic_error("the torrent engine is already running");
  require_absolute(options.download_root, "download_root");
  require_absolute(options.resume_dir, "resume_dir");
  std::filesystem::create_directories(options.download_root);
  std::filesystem::create_directories(options.resume_dir);
  options_ = options;
  loading_connections_limit_ = options.connections_limit_per_torrent;
  active_downloads_limit_ = options.max_active;
  default_listen_interfaces_ = options.default_listen_interfaces;
  missing_ipv6_logged_ = false;

  const std::string marker = running_marker_path(options.resume_dir);
  const bool unclean_stop = std::filesystem::exists(marker);
  write_file_atomically(marker, std::to_string(::getpid()) + "\n");
  restore_waiting_moves();

  lt::session_params params(make_session_settings(options), {});
  params.disk_io_constructor = make_disk_io_constructor(options.disk_io);
  session_ = std::make_unique<lt::session>(std::move(params));
  spdlog::info("engine: disk backend {}",
               options.disk_io == "mmap" ? "mmap" : "posix, hashing pieces as they are written");
  add_session_plugins(*session_, options);
  session_->set_ip_filter(make_ip_filter(options));
  session_->set_peer_class_filter(make_peer_class_filter(options));
  listen_port_ = session_->listen_port();

  stop_alert_thread_ = false;
  alert_thread_ = std::thread([this] { run_alert_loop(); });
  std::vector<TorrentRecord> records;
  try {
    records = store_.torrents();
  } catch (...) {
    teardown_session();
    throw;
  }
  if (unclean_stop) {
    spdlog::warn(
        "the previous engine run did not stop cleanly: incomplete torrents will be rechecked "
        "against the files on disk");
  }

  spdlog::info("torrent engine started: listening on '{}' (port {}), {} stored torrents to load",
               listen_interfaces_setting(options), listen_port_.load(), records.size());
  // The counts of load_progress() are set before running() turns true.
  start_loading(std::move(records), unclean_stop);
  {
    std::unique_lock lock(session_mutex_);
    running_ = true;
  }
}

bool LibtorrentEngine::running() const { return running_; }

void LibtorrentEngine::apply(const EngineOptions& options) {
  require_absolute(options.download_root, "download_root");
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return;
  std::filesystem::create_directories(options.download_root);

  default_listen_interfaces_ = options.default_listen_interfaces;
  active_downloads_limit_ = options.max_active;
  session_->apply_settings(make_session_settings(options));
  session_->set_ip_filter(make_ip_filter(options));
  session_->set_peer_class_filter(make_peer_class_filter(options));
  {
    // add() reads these under the same lock; resume_dir stays as started.
    std::lock_guard write_lock(write_mutex_);
    options_.download_root = options.download_root;
    options_.connections_limit_per_torrent = options.connections_limit_per_torrent;
    loading_connections_limit_ = options.connections_limit_per_torrent;
    options_.allocate_storage = options.allocate_storage;
  }
  // The session applies settings on its own thread, in call order, so a
  // synchronous read returns only after the new settings are live.
  session_->get_settings();
  listen_port_ = session_->listen_port();
  spdlog::info("torrent engine settings applied: listening on '{}' (port {})",
               listen_interfaces_setting(options), listen_port_.load());
}

lt::settings_pack LibtorrentEngine::session_settings() const {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) throw std::logic_error("the torrent engine is not running");
  return session_->get_settings();
}

void LibtorrentEngine::stop() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::unique_lock lock(session_mutex_);
    if (!running_) return;
    running_ = false;
  }
  const auto stop_started = std::chrono::steady_clock::now();
  stop_loading();
  spdlog::info("torrent engine stopping: {} torrents loaded", catalog_->size());

  // Pausing first makes every torrent announce event=stopped to its
  // trackers before the session goes away.
  stopping_ = true;
  session_->pause();
  StopMoves moves;
  keep_waiting_moves(moves);
  const StopSaves saves = save_for_stop();

  // When some resume data did not arrive, or some records were not loaded
  // after an unclean stop, the marker stays, so the next start rechecks the
  // incomplete torrents.
  if (saves.complete && !keep_running_marker_) {
    try {
      delete_file(running_marker_path(options_.resume_dir));
    } catch (const std::system_error& error) {
      spdlog::error("could not delete the running marker: {}", error.what());
    }
  }
  teardown_session();
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - stop_started);
  spdlog::info(
      "torrent engine stopped in {} ms: {} torrents, {} resume files written, {} unchanged, {} "
      "without resume data; {} storage moves kept for the next start, {} still running",
      elapsed.count(), saves.torrents, saves.written, saves.unchanged, saves.missing,
      moves.waiting, moves.running);
}

void LibtorrentEngine::teardown_session() {
  stop_alert_thread_ = true;
  if (alert_thread_.joinable()) alert_thread_.join();
  session_.reset();
  catalog_->clear();
  listen_port_ = 0;
  {
    std::lock_guard lock(saves_mutex_);
    outstanding_saves_.clear();
  }
  {
    std::lock_guard files_lock(resume_files_mutex_);
    stop_batch_.reset();
  }
  stopping_ = false;
  std::lock_guard lock(removals_mutex_);
  pending_removals_.clear();
}

PreparedLoad prepare_load(const TorrentRecord& record, const std::string& resume_dir,
                          bool unclean_stop, int connections_limit) {
  PreparedLoad load;
  load.connections_limit = connections_limit;
  std::optional<lt::add_torrent_params>& params = load.params;
  const std::string resume_path = resume_file_path(resume_dir, record.id);
  try {
    if (std::optional<std::string> bytes = read_file(resume_path)) {
      std::string error;
      params = parse_resume_data(*bytes, error);
      if (!params) {
        spdlog::warn("could not read resume data of torrent {} from '{}': {}", record.id,
                     resume_path, error);
      } else if (!record_matches(record, params->info_hashes)) {
        spdlog::warn(
            "resume data of torrent {} is for another info-hash; adding it from its source",
            record.id);
        params.reset();
      }
    }
  } catch (const std::system_error& error) {
    spdlog::warn("could not read resume data of torrent {}: {}", record.id, error.what());
  }
  const bool from_resume_data = params.has_value();

  if (!params) {
    Result<lt::add_torrent_params> parsed = parse_record_source(record);
    if (!parsed) {
      spdlog::error("could not load torrent {}: {}", record.id, parsed.problem().detail);
      load.entry = make_entry(record, lt::add_torrent_params{});
      load.entry.status.state = TorrentState::failed;
      load.entry.status.failure_message = parsed.problem().detail;
      return load;
    }
    params = std::move(parsed.value());
    apply_add_options(*params, record.download_dir, record.paused, record.sequential);
    apply_record_to_params(record, connections_limit, *params);
  }

  if (from_resume_data) load.fixed = reconcile_resume_params(record, *params);
  if (from_resume_data && record.paused && stop_as_paused(*params)) {
    load.fixed.emplace_back("paused");
  }

  if (params->save_path.empty()) params->save_path = record.download_dir;
  params->flags |= lt::torrent_flags::update_subscribe | lt::torrent_flags::duplicate_is_error;

  if (unclean_stop && from_resume_data && !record.completed_at_ms) {
    // Pieces written after the last resume save are on disk but missing from
    // the resume data. Without piece state, libtorrent checks the files that
    // exist before it connects to any peer, so it finds those pieces instead
    // of downloading them again.
    spdlog::info("torrent {} will be checked: the previous run did not stop cleanly",
                 record.id);
    params->have_pieces.clear();
    params->verified_pieces.clear();
    params->unfinished_pieces.clear();
  }

  load.entry = make_entry(record, *params);
  load.entry.name_fixed = !record.name.empty() && record.name != record.info_hash;
  return load;
}

void LibtorrentEngine::load_torrent(const TorrentRecord& record, bool unclean_stop) {
  commit_load(prepare_load(record, options_.resume_dir, unclean_stop,
                           loading_connections_limit_.load()));
}

void LibtorrentEngine::commit_load(PreparedLoad load) {
  const std::string id = load.entry.status.id;
  if (auto existing = catalog_->insert(std::move(load.entry))) {
    spdlog::error(
        "could not load torrent {}: torrent {} has the same "
        "info-hash",
        id, *existing);
    return;
  }
  if (!load.params) return;  // the entry is failed and the session never gets it
  if (!load.fixed.empty()) {
    spdlog::info("torrent {} differed from its record after loading resume data; fixed: {}", id,
                 fmt::join(load.fixed, ", "));
    events_.publish(selection_reconciled_event(id, load.fixed));
  }
  session_->async_add_torrent(std::move(*load.params));
}

Result<std::string> LibtorrentEngine::add(const AddTorrentRequest& request) {
  if (auto problem = validate_request(request)) return *problem;
  Result<lt::add_torrent_params> parsed = parse_request_source(request);
  if (!parsed) return parsed.problem();
  lt::add_torrent_params& params = parsed.value();
  if (auto problem = validate_add_options(request, params)) return *problem;

  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running();
  std::lock_guard write_lock(write_mutex_);
  if (auto problem = check_download_dir(request, options_.download_root)) return *problem;

  // A stored torrent not loaded yet is loaded now, so the checks below
  // find it. find() loads a stored torrent with the requested id.
  load_now(params.info_hashes);
  const std::optional<std::string> existing = catalog_->id_for_hashes(params.info_hashes);
  if (request.id && catalog_->find(*request.id)) {
    if (existing == request.id) return *request.id;
    return duplicate_torrent(*request.id,
                             "torrent id '" + *request.id + "' is already used by another torrent");
  }
  if (existing) {
    return duplicate_torrent(*existing, "this torrent was already added as '" + *existing + "'");
  }

  const std::string id = request.id.value_or(new_uuid());
  TorrentRecord record =
      make_record(request, params, id, request.download_dir.value_or(options_.download_root));
  try {
    store_.put_torrent(record);
  } catch (const StoreError& error) {
    spdlog::error("could not store torrent {}: {}", id, error.what());
    return Problem::unavailable("could not store the torrent: " + std::string(error.what()));
  }

  apply_add_options(params, record.download_dir, request.start_paused, record.sequential);
  apply_record_to_params(record, options_.connections_limit_per_torrent, params);
  params.storage_mode =
      options_.allocate_storage ? lt::storage_mode_allocate : lt::storage_mode_sparse;
  params.flags |= lt::torrent_flags::update_subscribe;
  CatalogEntry entry = make_entry(record, params);
  entry.name_fixed = request.name.has_value();
  entry.start_at_once = !request.start_paused;
  // Published before the session sees the torrent, so no event of the
  // alert thread about it can come first.
  events_.publish(torrent_added_event(entry.status, request.request_id));
  if (!entry.files.empty()) {
    events_.publish(files_discovered_event(id, entry.files));
  }
  catalog_->insert(std::move(entry));
  {
    // A removal still waiting for the session must not hit the new add.
    std::lock_guard lock(removals_mutex_);
    pending_removals_.erase(record.info_hash);
  }
  session_->async_add_torrent(std::move(params));

  spdlog::info("added torrent {} ({}) '{}' into '{}'", id, record.info_hash, record.name,
               record.download_dir);
  return id;
}

std::vector<TorrentStatus> LibtorrentEngine::list() const { return catalog_->list(); }

std::optional<TorrentStatus> LibtorrentEngine::find(std::string_view id) const {
  return catalog_->find(id);
}

std::optional<TorrentStatus> LibtorrentEngine::find_by_info_hash(std::string_view hash) const {
  return catalog_->find_by_info_hash(hash);
}

std::vector<TorrentStatus> LibtorrentEngine::list_page(const std::optional<TorrentOrder>& after,
                                                       std::size_t limit,
                                                       const TorrentMatch& match) const {
  return catalog_->page(after, limit, match);
}

Status LibtorrentEngine::pause(std::string_view id) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running();
  if (auto problem = store_paused(id, true)) return *problem;

  lt::torrent_handle handle;
  const bool known = catalog_->update(id, [&](CatalogEntry& entry) {
    entry.state_request_id = current_request_id();
    if (entry.handle.is_valid()) {
      handle = entry.handle;
    } else {
      entry.pending_pause = true;
    }
  });
  if (!known) return unknown_torrent(id);

  try {
    if (handle.is_valid()) {
      handle.unset_flags(lt::torrent_flags::auto_managed);
      handle.pause();
    }
  } catch (const lt::system_error& error) {
    spdlog::warn("could not pause torrent {}: {}", id, error.what());
    return unknown_torrent(id);
  }
  spdlog::info("paused torrent {}", id);
  return Done{};
}

Status LibtorrentEngine::resume(std::string_view id) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running();
  if (auto problem = store_paused(id, false)) return *problem;

  lt::torrent_handle handle;
  bool failed = false;
  bool auto_managed = true;
  const bool known = catalog_->update(id, [&](CatalogEntry& entry) {
    failed = entry.status.state == TorrentState::failed;
    auto_managed = entry.record.settings.auto_managed;
    entry.state_request_id = current_request_id();
    if (entry.handle.is_valid()) {
      handle = entry.handle;
    } else {
      entry.pending_pause = false;
    }
  });
  if (!known) return unknown_torrent(id);

  try {
    if (handle.is_valid()) {
      if (failed) handle.clear_error();
      if (auto_managed) handle.set_flags(lt::torrent_flags::auto_managed);
      handle.resume();
    }
  } catch (const lt::system_error& error) {
    spdlog::warn("could not resume torrent {}: {}", id, error.what());
    return unknown_torrent(id);
  }
  spdlog::info("resumed torrent {}", id);
  return Done{};
}

Status LibtorrentEngine::remove(std::string_view id, bool delete_data) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return not_running();
  std::lock_guard write_lock(write_mutex_);

  std::optional<CatalogEntry> entry = catalog_->entry(id);
  if (!entry) return unknown_torrent(id);
  try {
    store_.delete_torrent(id);
  } catch (const StoreError& error) {
    spdlog::error("could not delete torrent {} from the store: {}", id, error.what());
    return Problem::unavailable("could not delete the torrent: " + std::string(error.what()));
  }

  {
    std::lock_guard files_lock(resume_files_mutex_);
    catalog_->erase(id);
    try {
      delete_file(resume_file_path(options_.resume_dir, id));
    } catch (const std::system_error& error) {
      spdlog::error("could not delete resume data of torrent {}: {}", id, error.what());
    }
  }
  start_moves(moves_.forget(std::string(id)));
  {
    std::lock_guard lock(restored_moves_mutex_);
    restored_moves_.erase(std::string(id));
  }

  const lt::remove_flags_t flags = delete_data ? lt::session::delete_files : lt::remove_flags_t{};
  if (entry->handle.is_valid()) {
    session_->remove_torrent(entry->handle, flags);
  } else {
    std::lock_guard lock(removals_mutex_);
    pending_removals_[primary_info_hash_hex(entry->info_hashes)] = delete_data;
  }
  events_.publish(
      torrent_removed_event(std::string(id), delete_data, current_request_id()));
  spdlog::info("removed torrent {} ({}){}", id, entry->record.info_hash,
               delete_data ? " and deleted its data" : "");
  return Done{};
}

void LibtorrentEngine::set_fsops_status(std::string_view id, const FsopsStatus& status,
                                        std::optional<std::string> library_path) {
  const auto change = [&](CatalogEntry& entry) {
    entry.status.fsops = status;
    if (library_path) {
      entry.status.library_path = library_path;
      entry.record.library_path = library_path;
    }
  };
  try {
    // Only the library path is persisted; the post-processing state is
    // kept by the post-processing jobs themselves.
    const bool known = library_path ? update_record(id, change) : catalog_->update(id, change);
    if (!known) {
      spdlog::warn(
          "could not record post-processing state of torrent {}: "
          "unknown torrent",
          id);
    }
  } catch (const StoreError& error) {
    spdlog::error("could not store the library path of torrent {}: {}", id, error.what());
  }
}

int LibtorrentEngine::listen_port() const { return listen_port_; }

std::optional<Problem> LibtorrentEngine::store_paused(std::string_view id, bool paused) {
  bool unchanged = false;
  if (!catalog_->update(id, [&](CatalogEntry& entry) { unchanged = entry.record.paused == paused; })) {
    return unknown_torrent(id);
  }
  if (unchanged) return std::nullopt;
  try {
    update_record(id, [paused](CatalogEntry& entry) { entry.record.paused = paused; });
  } catch (const StoreError& error) {
    spdlog::error("could not store the paused state of torrent {}: {}", id, error.what());
    return Problem::unavailable("could not store the torrent: " + std::string(error.what()));
  }
  return std::nullopt;
}

bool LibtorrentEngine::update_record(std::string_view id,
                                     const std::function<void(CatalogEntry&)>& change) {
  std::lock_guard write_lock(write_mutex_);
  TorrentRecord record;
  const bool known = catalog_->update(id, [&](CatalogEntry& entry) {
    change(entry);
    record = entry.record;
  });
  if (known) store_.put_torrent(record);
  return known;
}

}  // namespace revaer
