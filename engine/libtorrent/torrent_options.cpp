// File selection, per-torrent settings and per-torrent seeding limits of
// LibtorrentEngine.

#include <exception>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>

#include <spdlog/spdlog.h>
#include <libtorrent/error_code.hpp>
#include <libtorrent/torrent_flags.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>

#include "engine/libtorrent/file_selection.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/status_catalog.hpp"
#include "engine/libtorrent/status_mapping.hpp"
#include "engine/libtorrent/torrent_settings.hpp"

namespace revaer {
namespace {

Problem engine_not_running() { return Problem::unavailable("the torrent engine is not running"); }

Problem torrent_not_found(std::string_view id) {
  return Problem::not_found("no torrent with id '" + std::string(id) + "'");
}

Problem store_failed(const StoreError& error) {
  return Problem::unavailable("could not store the torrent: " + std::string(error.what()));
}

// Copies `priorities` into the file list the API shows.
void show_priorities(const std::vector<lt::download_priority_t>& priorities,
                     std::vector<FileStatus>& files) {
  for (FileStatus& file : files) {
    const auto index = static_cast<std::size_t>(file.index);
    if (index >= priorities.size()) continue;
    file.priority = priority_name(priorities[index]);
    file.selected = priorities[index] != lt::dont_download;
  }
}

// Sets `settings` on a live torrent. A stopped torrent stays out of the
// queue until resume() hands it back, so only a running one changes its
// auto_managed flag here.
void apply_live_settings(const lt::torrent_handle& handle, const TorrentSettings& settings,
                         bool sequential, const TorrentSettingsChange& change, bool stopped,
                         int default_connections) {
  apply_settings_to_handle(settings, sequential, default_connections, handle);
  if (!change.auto_managed || stopped) return;
  if (*change.auto_managed) {
    handle.set_flags(lt::torrent_flags::auto_managed);
  } else {
    handle.unset_flags(lt::torrent_flags::auto_managed);
  }
}

}  // namespace

Status LibtorrentEngine::select_files(std::string_view id, const FileSelection& selection) {
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();

  std::shared_ptr<const lt::torrent_info> info;
  if (!catalog_->update(id, [&](CatalogEntry& entry) { info = entry.info; })) {
    return torrent_not_found(id);
  }
  const std::optional<int> file_count =
      info ? std::optional<int>(info->num_files()) : std::nullopt;
  if (auto problem = validate_selection(selection, file_count, "")) return *problem;

  std::vector<lt::download_priority_t> priorities;
  if (info) priorities = selection_priorities(info->files(), selection);
  lt::torrent_handle handle;
  try {
    const bool known = update_record(id, [&](CatalogEntry& entry) {
      entry.record.selection = selection;
      entry.status.selection = selection;
      show_priorities(priorities, entry.files);
      handle = entry.handle;
      if (!handle.is_valid()) entry.options_pending = true;
    });
    if (!known) return torrent_not_found(id);
  } catch (const StoreError& error) {
    spdlog::error("could not store the file selection of torrent {}: {}", id, error.what());
    return store_failed(error);
  }

  // Without metadata the priorities follow in apply_selection_on_metadata().
  try {
    if (handle.is_valid() && !priorities.empty()) handle.prioritize_files(priorities);
  } catch (const lt::system_error& error) {
    spdlog::warn("could not set file priorities of torrent {}: {}", id, error.what());
    return torrent_not_found(id);
  }
  spdlog::info("selected files of torrent {}: {} include, {} exclude globs, skip_fluff {}, {} "
               "priorities",
               id, selection.include.size(), selection.exclude.size(), selection.skip_fluff,
               selection.priorities.size());
  return Done{};
}

Status LibtorrentEngine::update_settings(std::string_view id, const TorrentSettingsChange& change) {
  if (auto problem = validate_settings_change(change, "")) return *problem;
  std::shared_lock session_lock(session_mutex_);
  if (!running_) return engine_not_running();

  lt::torrent_handle handle;
  TorrentSettings settings;
  bool sequential = false;
  bool stopped = false;
  int default_connections = 0;
  try {
    const bool known = update_record(id, [&](CatalogEntry& entry) {
      merge_settings_change(change, entry.record.settings, entry.record.sequential);
      entry.status.settings = entry.record.settings;
      entry.status.sequential = entry.record.sequential;
      settings = entry.record.settings;
      sequential = entry.record.sequential;
      stopped = entry.status.state == TorrentState::stopped;
      // update_record() holds write_mutex_, which guards options_.
      default_connections = options_.connections_limit_per_torrent;
      handle = entry.handle;
      if (!handle.is_valid()) entry.options_pending = true;
    });
    if (!known) return torrent_not_found(id);
  } catch (const StoreError& error) {
    spdlog::error("could not store the settings of torrent {}: {}", id, error.what());
    return store_failed(error);
  }

  try {
    if (handle.is_valid()) apply_live_settings(handle, settings, sequential, change, stopped,
                                             default_connections);
  } catch (const lt::system_error& error) {
    spdlog::warn("could not set the settings of torrent {}: {}", id, error.what());
    return torrent_not_found(id);
  }
  spdlog::info("updated settings of torrent {}", id);
  return Done{};
}

void LibtorrentEngine::apply_pending_options(const std::string& id,
                                             const lt::torrent_handle& handle) {
  bool pending = false;
  TorrentRecord record;
  std::shared_ptr<const lt::torrent_info> info;
  catalog_->update(id, [&](CatalogEntry& entry) {
    pending = std::exchange(entry.options_pending, false);
    record = entry.record;
    info = entry.info;
  });
  if (!pending) return;

  int default_connections = 0;
  {
    std::lock_guard write_lock(write_mutex_);
    default_connections = options_.connections_limit_per_torrent;
  }
  apply_settings_to_handle(record.settings, record.sequential, default_connections, handle);
  if (info) handle.prioritize_files(selection_priorities(info->files(), record.selection));
}

std::vector<lt::download_priority_t> LibtorrentEngine::apply_selection_on_metadata(
    const std::string& id, const lt::torrent_handle& handle, const lt::torrent_info& info) {
  FileSelection selection;
  catalog_->update(id, [&](CatalogEntry& entry) { selection = entry.record.selection; });
  const std::vector<lt::download_priority_t> priorities =
      selection_priorities(info.files(), selection);
  handle.prioritize_files(priorities);
  return priorities;
}

void LibtorrentEngine::enforce_seed_limits(const std::string& id, const TorrentSettings& settings,
                                           const lt::torrent_status& status) {
  const std::optional<std::string> reason = seed_limit_reached(settings, status);
  if (!reason) return;
  // Stored as a user pause is, so a restart keeps the torrent stopped also
  // without its resume file. store_paused() logs a failed store write, and
  // the torrent is paused anyway.
  if (const std::optional<Problem> problem = store_paused(id, true);
      problem && problem->status == 404) {
    return;  // removed meanwhile
  }
  try {
    status.handle.unset_flags(lt::torrent_flags::auto_managed);
    status.handle.pause();
  } catch (const lt::system_error& error) {
    spdlog::warn("could not pause torrent {} at its seeding limit: {}", id, error.what());
    return;
  }
  spdlog::info("paused torrent {}: {}", id, *reason);
}

void LibtorrentEngine::check_seed_time_limits() {
  for (const auto& [id, handle, settings] : catalog_->seed_time_limited()) {
    try {
      // status() waits for the session's network thread, which the alert
      // thread may do.
      enforce_seed_limits(id, settings, handle.status());
    } catch (const lt::system_error& error) {
      spdlog::warn("could not check the seeding time of torrent {}: {}", id, error.what());
    }
  }
}

bool LibtorrentEngine::wants_auto_managed(std::string_view id) const {
  const std::optional<CatalogEntry> entry = catalog_->entry(id);
  return !entry || entry->record.settings.auto_managed;
}

void LibtorrentEngine::start_if_queue_has_room(std::string_view id,
                                               const lt::torrent_handle& handle) {
  // One synchronous call: a status without any of the optional fields.
  const lt::torrent_status status = handle.status(lt::status_flags_t{});
  const lt::torrent_flags_t flags = status.flags;
  if (!(flags & lt::torrent_flags::auto_managed) || !(flags & lt::torrent_flags::paused)) return;

  const int limit = active_downloads_limit_;
  const int position = static_cast<int>(status.queue_position);
  if (position < 0 || (limit >= 0 && position >= limit)) return;

  // pause() stores the record as paused before it pauses the handle, so
  // deciding under the catalog's mutex keeps a pause from being undone.
  catalog_->update(id, [&](CatalogEntry& entry) {
    if (!entry.record.paused) handle.resume();
  });
}

lt::torrent_handle LibtorrentEngine::torrent_handle_for_testing(std::string_view id) const {
  const std::optional<CatalogEntry> entry = catalog_->entry(id);
  return entry ? entry->handle : lt::torrent_handle{};
}

}  // namespace revaer
