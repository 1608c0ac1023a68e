// The alert-thread side of torrent control: tracker lists and web seeds
// read back from the session, and the outcome of storage moves.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/announce_entry.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/operations.hpp>
#include <libtorrent/time.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "core/clock.hpp"
#include "engine/libtorrent/control_mapping.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/status_catalog.hpp"

namespace revaer {
namespace {

// A tracker that stays unreachable fails on every retry, so only the first
// failure in a row and every tenth are logged.
bool should_log_failure(int times_in_row) { return times_in_row <= 1 || times_in_row % 10 == 0; }

}  // namespace

void LibtorrentEngine::request_source_refresh(const std::string& id, bool persist) {
  std::lock_guard lock(source_refreshes_mutex_);
  bool& stored = source_refreshes_[id];
  stored = stored || persist;
}

void LibtorrentEngine::refresh_requested_sources() {
  std::map<std::string, bool> requests;
  {
    std::lock_guard lock(source_refreshes_mutex_);
    requests.swap(source_refreshes_);
  }
  for (const auto& [id, persist] : requests) {
    const std::optional<CatalogEntry> entry = catalog_->entry(id);
    if (!entry) continue;  // removed meanwhile
    if (!entry->handle.is_valid()) {
      // An edit found the torrent in the session before its add alert
      // arrived. The refresh waits until that alert has attached the handle.
      request_source_refresh(id, persist);
      continue;
    }
    try {
      refresh_sources(id, entry->handle, persist);
    } catch (const lt::system_error& error) {
      spdlog::debug("could not read trackers of torrent {}: {}", id, error.what());
    }
  }
}

void LibtorrentEngine::refresh_sources(const std::string& id, const lt::torrent_handle& handle,
                                       bool persist) {
  // Both calls wait for the session's network thread, which the alert
  // thread may do.
  const std::vector<lt::announce_entry> entries = handle.trackers();
  const std::set<std::string> url_seeds = handle.url_seeds();

  std::vector<TrackerStatus> statuses =
      describe_trackers(entries, lt::clock_type::now(), now_unix_ms());
  std::vector<std::string> urls;
  std::vector<TrackerEntry> tiers;
  for (const TrackerStatus& tracker : statuses) {
    urls.push_back(tracker.url);
    tiers.push_back({tracker.url, tracker.tier});
  }
  const std::vector<std::string> web_seeds(url_seeds.begin(), url_seeds.end());

  const auto change = [&](CatalogEntry& entry) {
    entry.tracker_statuses = statuses;
    entry.status.trackers = urls;
    entry.status.web_seeds = web_seeds;
    if (!persist) return;
    // The whole list replaces the source's trackers when the torrent is
    // added again from its record, so removed ones stay removed.
    entry.record.trackers = tiers;
    entry.record.replace_trackers = true;
    entry.record.web_seeds = web_seeds;
  };
  if (!persist) {
    catalog_->update(id, change);
    return;
  }
  try {
    update_record(id, change);
  } catch (const StoreError& error) {
    spdlog::error("could not store the trackers and web seeds of torrent {}: {}", id, error.what());
  }
}

void LibtorrentEngine::on_tracker_alert(const lt::tracker_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  request_source_refresh(*id, false);

  if (const auto* failed = lt::alert_cast<lt::tracker_error_alert>(&alert)) {
    if (!should_log_failure(failed->times_in_row)) return;
    const std::string reason = failed->failure_reason();
    spdlog::warn("could not announce torrent {} to tracker '{}' ({} times in a row): {}{}{}", *id,
                 failed->tracker_url(), failed->times_in_row, failed->error.message(),
                 reason.empty() ? "" : ": ", reason);
  } else if (const auto* warning = lt::alert_cast<lt::tracker_warning_alert>(&alert)) {
    spdlog::warn("tracker '{}' of torrent {} sent a warning: {}", warning->tracker_url(), *id,
                 warning->warning_message());
  }
}

void LibtorrentEngine::on_storage_moved(const lt::storage_moved_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  const std::string new_dir = alert.storage_path();
  try {
    update_record(*id, [&](CatalogEntry& entry) {
      entry.status.download_dir = new_dir;
      entry.status.storage_move_error.reset();
      entry.record.download_dir = new_dir;
    });
  } catch (const StoreError& error) {
    spdlog::error("could not store the new download folder '{}' of torrent {}: {}", new_dir, *id,
                  error.what());
  }
  // The resume data carries the save path that the next start uses.
  request_save(alert.handle, false);
  spdlog::info("torrent {}: moved files from '{}' to '{}'", *id, alert.old_path(), new_dir);
  finish_move(*id);
}

void LibtorrentEngine::on_storage_move_failed(const lt::storage_moved_failed_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  std::string reason;
  if (!alert.error) {
    // libtorrent 2.0.8 reports a move that fail_if_exist stopped with no
    // error code, naming a source file.
    reason = "a file of the torrent already exists in the target folder";
  } else {
    const std::string file = alert.file_path();
    reason = alert.error.message() + " (" + lt::operation_name(alert.op);
    reason += file.empty() ? ")" : " of '" + file + "')";
  }
  std::string current_dir;
  catalog_->update(*id, [&](CatalogEntry& entry) {
    entry.status.storage_move_error = reason;
    current_dir = entry.status.download_dir;
  });
  spdlog::error("could not move the files of torrent {}: {}; they stay in '{}'", *id, reason,
                current_dir);
  finish_move(*id);
}

}  // namespace revaer
