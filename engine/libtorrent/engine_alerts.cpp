// The alert thread of LibtorrentEngine: applies libtorrent's alerts to the
// catalog, the store and the resume files.

#include <algorithm>
#include <chrono>
#include <exception>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/error_code.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>
#include <libtorrent/write_resume_data.hpp>

#include "core/clock.hpp"
#include "engine/libtorrent/add_params.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "engine/libtorrent/status_catalog.hpp"
#include "engine/libtorrent/status_mapping.hpp"

namespace revaer {
namespace {

using Clock = std::chrono::steady_clock;

// How long one wait for alerts may block, which bounds how late the thread
// notices a stop request.
constexpr auto kAlertWait = std::chrono::milliseconds(250);
constexpr auto kStatusInterval = std::chrono::seconds(1);
constexpr auto kResumeSaveInterval = std::chrono::seconds(10);

constexpr lt::status_flags_t kStatusFlags =
    lt::torrent_handle::query_name | lt::torrent_handle::query_torrent_file;

bool is_complete(const lt::torrent_status& status) {
  return status.has_metadata && !status.errc &&
         (status.state == lt::torrent_status::finished ||
          status.state == lt::torrent_status::seeding);
}

}  // namespace

void LibtorrentEngine::run_alert_loop() {
  // Faults belong to one run of the session: a new start reports its own.
  faults_.clear_all();
  recovery_ = FaultRecovery{};
  LoopGuard guard(faults_, kAlertLoopFault, "torrent engine alert loop");
  Clock::time_point next_status = Clock::now();
  Clock::time_point next_save = next_status + kResumeSaveInterval;
  std::vector<lt::alert*> alerts;

  while (!stop_alert_thread_) {
    const std::chrono::milliseconds pause =
        guard.run([&] { run_alert_iteration(next_status, next_save, alerts); });
    if (pause.count() > 0) wait_unless_stopping(pause);
  }
  faults_.clear_all();
}

void LibtorrentEngine::run_alert_iteration(Clock::time_point& next_status,
                                           Clock::time_point& next_save,
                                           std::vector<lt::alert*>& alerts) {
  session_->wait_for_alert(kAlertWait);
  session_->pop_alerts(&alerts);
  for (lt::alert* alert : alerts) dispatch_alert(alert);
  refresh_requested_sources();
  retry_faults();

  const Clock::time_point now = Clock::now();
  if (now >= next_status) {
    session_->post_torrent_updates(kStatusFlags);
    next_status = now + kStatusInterval;
  }
  if (now >= next_save) {
    check_seed_time_limits();
    request_periodic_saves();
    next_save = now + kResumeSaveInterval;
  }
}

void LibtorrentEngine::wait_unless_stopping(std::chrono::milliseconds pause) const {
  const Clock::time_point end = Clock::now() + pause;
  while (!stop_alert_thread_ && Clock::now() < end) {
    std::this_thread::sleep_for(std::min<Clock::duration>(kAlertWait, end - Clock::now()));
  }
}

void LibtorrentEngine::dispatch_alert(lt::alert* alert) {
  try {
    switch (alert->type()) {
      case lt::state_update_alert::alert_type:
        on_state_update(*lt::alert_cast<lt::state_update_alert>(alert));
        break;
      case lt::add_torrent_alert::alert_type:
        on_torrent_added(*lt::alert_cast<lt::add_torrent_alert>(alert));
        if (auto id = catalog_->id_for_handle(static_cast<lt::torrent_alert*>(alert)->handle)) {
          request_source_refresh(*id, false);
        }
        break;
        break;
      case lt::torrent_checked_alert::alert_type:
        on_torrent_checked(*lt::alert_cast<lt::torrent_checked_alert>(alert));
        break;
      case lt::metadata_received_alert::alert_type:
        on_metadata_received(*lt::alert_cast<lt::metadata_received_alert>(alert));
        break;
      case lt::torrent_finished_alert::alert_type:
        on_torrent_finished(*lt::alert_cast<lt::torrent_finished_alert>(alert));
        break;
      case lt::save_resume_data_alert::alert_type:
        on_resume_data(*lt::alert_cast<lt::save_resume_data_alert>(alert));
        break;
      case lt::save_resume_data_failed_alert::alert_type:
        on_resume_data_failed(*lt::alert_cast<lt::save_resume_data_failed_alert>(alert));
        break;
      case lt::torrent_paused_alert::alert_type:
        // stop() pauses the session and requests the saves itself.
        if (!stopping_) {
          request_save(lt::alert_cast<lt::torrent_paused_alert>(alert)->handle, false);
        }
        break;
      case lt::tracker_announce_alert::alert_type:
      case lt::tracker_reply_alert::alert_type:
      case lt::tracker_warning_alert::alert_type:
      case lt::tracker_error_alert::alert_type:
      case lt::scrape_reply_alert::alert_type:
      case lt::scrape_failed_alert::alert_type:
        on_tracker_alert(*static_cast<lt::tracker_alert*>(alert));
        break;
      case lt::storage_moved_alert::alert_type:
        on_storage_moved(*lt::alert_cast<lt::storage_moved_alert>(alert));
        break;
      case lt::storage_moved_failed_alert::alert_type:
        on_storage_move_failed(*lt::alert_cast<lt::storage_moved_failed_alert>(alert));
        break;
      case lt::file_renamed_alert::alert_type:
        on_file_renamed(*lt::alert_cast<lt::file_renamed_alert>(alert));
        break;
      case lt::file_rename_failed_alert::alert_type:
        on_file_rename_failed(*lt::alert_cast<lt::file_rename_failed_alert>(alert));
        break;
      case lt::listen_succeeded_alert::alert_type:
        on_listen_succeeded(*lt::alert_cast<lt::listen_succeeded_alert>(alert));
        break;
      case lt::listen_failed_alert::alert_type:
        on_listen_failed(*lt::alert_cast<lt::listen_failed_alert>(alert));
        break;
      case lt::file_error_alert::alert_type:
        on_file_error(*lt::alert_cast<lt::file_error_alert>(alert));
        break;
      case lt::torrent_removed_alert::alert_type:
      case lt::torrent_deleted_alert::alert_type:
        spdlog::info("libtorrent: {}", alert->message());
        break;
      case lt::torrent_error_alert::alert_type:
        on_torrent_error(*lt::alert_cast<lt::torrent_error_alert>(alert));
        break;
      case lt::torrent_delete_failed_alert::alert_type:
        spdlog::error("libtorrent: {}", alert->message());
        break;
      default:
        break;
    }
  } catch (const std::exception& error) {
    spdlog::error("could not handle libtorrent alert '{}': {}", alert->what(), error.what());
  }
}

void LibtorrentEngine::on_state_update(const lt::state_update_alert& alert) {
  const std::int64_t now_ms = now_unix_ms();
  for (const lt::torrent_status& status : alert.status) {
    const std::optional<std::string> id = catalog_->id_for_handle(status.handle);
    if (!id) continue;

    bool unreported_completion = false;
    std::optional<TorrentStatus> updated;
    TorrentState previous = TorrentState::queued;
    std::string request_id;
    TorrentSettings settings;
    catalog_->update(*id, [&](CatalogEntry& entry) {
      settings = entry.record.settings;
      previous = entry.status.state;
      apply_torrent_status(status, entry.name_fixed, now_ms, entry.status);
      updated = entry.status;
      if (entry.status.state != previous) {
        request_id = std::exchange(entry.state_request_id, {});
      }
      entry.info_hashes = status.info_hashes;
      unreported_completion = is_complete(status) && !entry.completion_reported;
      if (!entry.files.empty()) return;
      if (auto info = status.torrent_file.lock()) {
        entry.files = describe_files(*info, {}, {});
      }
    });

    if (updated) {
      publish_status_events(*updated, previous, request_id);
    }
    enforce_seed_limits(*id, settings, status);
    check_storage_recovery(*id, status);

    // A torrent can be complete without a torrent_finished_alert reaching
    // record_completion(), for example when the daemon was killed between
    // completion and the store write. The status update catches that case.
    if (unreported_completion) {
      record_completion(*id, status);
    } else {
      refresh_files(*id, status);
    }
  }
}

// Publishes state_changed when the state moved and progress for every
// update: libtorrent reports only torrents whose status changed, and the
// event bus coalesces progress per torrent.
void LibtorrentEngine::publish_status_events(const TorrentStatus& status,
                                             TorrentState previous,
                                             const std::string& request_id) {
  if (status.state != previous) {
    events_.publish(state_changed_event(status, previous, request_id));
  }
  events_.publish(progress_event(status));
}

void LibtorrentEngine::refresh_files(const std::string& id, const lt::torrent_status& status) {
  if (!status.has_metadata) return;
  const bool all_done = status.state == lt::torrent_status::seeding;

  // file_progress() waits for the session's network thread, which is
  // acceptable here on the alert thread and never done on API threads.
  std::vector<std::int64_t> progress;
  if (!all_done) {
    progress = status.handle.file_progress(lt::torrent_handle::piece_granularity);
  }

  catalog_->update(id, [&](CatalogEntry& entry) {
    for (FileStatus& file : entry.files) {
      const auto index = static_cast<std::size_t>(file.index);
      if (all_done) {
        file.bytes_completed = file.size_bytes;
      } else if (index < progress.size()) {
        file.bytes_completed = progress[index];
      }
    }
  });
}

void LibtorrentEngine::on_torrent_added(const lt::add_torrent_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_hashes(alert.params.info_hashes);
  const std::string hash = primary_info_hash_hex(alert.params.info_hashes);

  if (alert.error) {
    spdlog::error("could not add torrent {} ({}) to the session: {}", id.value_or("?"), hash,
                  alert.error.message());
    if (!id) return;
    catalog_->update(*id, [&](CatalogEntry& entry) {
      // A duplicate of a torrent that the session did add is harmless.
      if (entry.handle.is_valid()) return;
      entry.status.state = TorrentState::failed;
      entry.status.failure_message = "could not add the torrent: " + alert.error.message();
    });
    return;
  }

  if (!id) {
    std::lock_guard lock(removals_mutex_);
    const auto removal = pending_removals_.find(hash);
    const bool delete_data = removal != pending_removals_.end() && removal->second;
    if (removal != pending_removals_.end()) pending_removals_.erase(removal);
    session_->remove_torrent(alert.handle,
                             delete_data ? lt::session::delete_files : lt::remove_flags_t{});
    return;
  }

  const std::optional<bool> pause = catalog_->attach_handle(*id, alert.handle);
  if (pause == true) {
    alert.handle.unset_flags(lt::torrent_flags::auto_managed);
    alert.handle.pause();
    // A torrent added paused posts no torrent_paused_alert, so save here.
    request_save(alert.handle, false);
  } else if (pause == false) {
    if (wants_auto_managed(*id)) alert.handle.set_flags(lt::torrent_flags::auto_managed);
    alert.handle.resume();
  }
  if (pause.has_value()) {
    catalog_->update(*id, [](CatalogEntry& entry) { entry.start_at_once = false; });
  }
  apply_pending_options(*id, alert.handle);
  resume_restored_move(*id);
}

void LibtorrentEngine::on_torrent_checked(const lt::torrent_checked_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  bool start_at_once = false;
  catalog_->update(*id, [&](CatalogEntry& entry) {
    start_at_once = std::exchange(entry.start_at_once, false);
  });
  if (start_at_once) start_if_queue_has_room(*id, alert.handle);
}

void LibtorrentEngine::on_metadata_received(const lt::metadata_received_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  request_save(alert.handle, false);

  const std::shared_ptr<const lt::torrent_info> info = alert.handle.torrent_file();
  if (!info) return;
  const std::vector<lt::download_priority_t> priorities =
      apply_selection_on_metadata(*id, alert.handle, *info);
  const lt::info_hash_t hashes = alert.handle.info_hashes();

  std::optional<TorrentStatus> updated;
  std::vector<FileStatus> files;
  update_record(*id, [&](CatalogEntry& entry) {
    entry.files = describe_files(*info, priorities, {});
    entry.info = info;
    entry.info_hashes = hashes;
    entry.status.info_hash_v1 = info_hash_v1_hex(hashes);
    entry.status.info_hash_v2 = info_hash_v2_hex(hashes);
    if (!entry.name_fixed) {
      entry.status.name = info->name();
      entry.record.name = info->name();
    }
    updated = entry.status;
    files = entry.files;
  });
  if (updated) {
    std::int64_t total = 0;
    for (const FileStatus& file : files) total += file.size_bytes;
    updated->bytes_total = total;
    events_.publish(metadata_updated_event(*updated, files.size()));
    events_.publish(files_discovered_event(*id, files));
  }
  spdlog::info("received metadata of torrent {}: '{}', {} files", *id, info->name(),
               info->num_files());
}

void LibtorrentEngine::on_torrent_finished(const lt::torrent_finished_alert& alert) {
  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  record_completion(*id, alert.handle.status(kStatusFlags));
}

void LibtorrentEngine::record_completion(const std::string& id, const lt::torrent_status& status) {
  refresh_files(id, status);

  std::optional<TorrentStatus> completed;
  {
    std::lock_guard write_lock(write_mutex_);
    const std::int64_t now_ms = now_unix_ms();
    TorrentRecord record;
    catalog_->update(id, [&](CatalogEntry& entry) {
      apply_torrent_status(status, entry.name_fixed, now_ms, entry.status);
      if (entry.completion_reported) return;
      entry.completion_reported = true;
      const std::int64_t completed_at = entry.record.completed_at_ms.value_or(now_ms);
      entry.status.completed_at_ms = completed_at;
      entry.record.completed_at_ms = completed_at;
      record = entry.record;
      completed = entry.status;
      completed->files = entry.files;
    });
    if (!completed) return;
    store_.put_torrent(record);
  }
  request_save(status.handle, false);

  events_.publish(completed_event(*completed));
  spdlog::info("torrent {} completed: {} bytes in '{}'", id, completed->bytes_total,
               completed->download_dir);
  if (!callbacks_.on_completed) return;
  try {
    callbacks_.on_completed(*completed);
  } catch (const std::exception& error) {
    spdlog::error("completion handler failed for torrent {}: {}", id, error.what());
  }
}

void LibtorrentEngine::on_resume_data(const lt::save_resume_data_alert& alert) {
  try {
    const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
    if (id) {
      const std::vector<char> bytes = lt::write_resume_data_buf(alert.params);
      const std::string_view content(bytes.data(), bytes.size());
      std::lock_guard files_lock(resume_files_mutex_);
      // remove() deletes the file under the same lock, after erasing the
      // entry; checking here keeps a late save from bringing it back.
      if (catalog_->contains(*id)) {
        const std::string path = resume_file_path(options_.resume_dir, *id);
        try {
          if (stop_batch_) {
            stop_batch_->add(path, content);
            note_stop_answer(alert.handle, true);
          } else {
            write_file_atomically(path, content);
          }
          on_resume_written(*id);
        } catch (const std::system_error& error) {
          on_resume_write_failed(*id, error);
        }
      }
    }
  } catch (...) {
    finish_save(alert.handle);
    throw;
  }
  finish_save(alert.handle);
}

void LibtorrentEngine::on_resume_data_failed(const lt::save_resume_data_failed_alert& alert) {
  finish_save(alert.handle);
  if (alert.error == lt::errors::resume_data_not_modified) {
    note_stop_answer(alert.handle, false);
    return;
  }

  const std::optional<std::string> id = catalog_->id_for_handle(alert.handle);
  if (!id) return;
  spdlog::warn("could not save resume data of torrent {}: {}", *id, alert.error.message());
}

void LibtorrentEngine::request_periodic_saves() {
  if (stopping_) return;
  for (const auto& [id, handle] : catalog_->handles()) {
    request_save(handle, true);
  }
}

void LibtorrentEngine::request_save(const lt::torrent_handle& handle, bool only_if_modified) {
  lt::resume_data_flags_t flags = lt::torrent_handle::save_info_dict;
  if (only_if_modified) flags |= lt::torrent_handle::only_if_modified;

  {
    std::lock_guard lock(saves_mutex_);
    ++outstanding_saves_[handle];
  }
  try {
    handle.save_resume_data(flags);
  } catch (const lt::system_error&) {
    // The torrent is gone, so no alert will follow this request.
    finish_save(handle);
  }
}

void LibtorrentEngine::note_stop_answer(const lt::torrent_handle& handle, bool written) {
  if (!stopping_) return;
  std::lock_guard lock(saves_mutex_);
  if (written) {
    stop_unchanged_.erase(handle);
    stop_written_.insert(handle);
  } else if (stop_written_.count(handle) == 0) {
    stop_unchanged_.insert(handle);
  }
}

void LibtorrentEngine::finish_save(const lt::torrent_handle& handle) {
  std::lock_guard lock(saves_mutex_);
  const auto outstanding = outstanding_saves_.find(handle);
  if (outstanding != outstanding_saves_.end() && --outstanding->second <= 0) {
    outstanding_saves_.erase(outstanding);
  }
  if (outstanding_saves_.empty()) saves_done_.notify_all();
}

}  // namespace revaer
