// Resume data at stop(): which torrents are saved, how long stop() waits
// for libtorrent, and the one batch that writes the files.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <libtorrent/torrent_handle.hpp>

#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "engine/libtorrent/status_catalog.hpp"

namespace revaer {
namespace {

// The wait for resume data at stop: this much, plus kStopSavePerTorrent
// for each torrent asked to save. Writing a small file with an fsync took
// about 1 ms on the 2-core development machine (an estimate from a
// write-fsync-rename loop), so the allowance leaves room for a busy disk.
constexpr auto kStopSaveTimeout = std::chrono::seconds(10);
constexpr auto kStopSavePerTorrent = std::chrono::milliseconds(10);

// Torrents that transfer nothing. Their counters and pieces do not change,
// so the resume file written when they paused or queued stays current,
// unless libtorrent reports a change (only_if_modified).
bool is_idle(TorrentState state) {
  return state == TorrentState::stopped || state == TorrentState::queued ||
         state == TorrentState::failed;
}

// The maximum number of torrent ids in the log line of a failed batch, so
// the line stays readable with thousands of torrents.
constexpr std::size_t kMaxLoggedIds = 50;

// Logs a failed commit of the batch at stop with the torrents it contains.
// The failure is not reported to health, because the engine's faults end
// with the run. stop() keeps the running marker, so the next start
// rechecks the incomplete torrents whose resume files are older.
void log_failed_batch(const AtomicFileBatch& batch, const std::system_error& error) {
  std::vector<std::string> ids;
  for (const std::string& path : batch.paths()) {
    if (ids.size() == kMaxLoggedIds) break;
    ids.push_back(std::filesystem::path(path).stem().string());
  }
  const std::size_t unnamed = batch.size() - ids.size();
  spdlog::error(
      "could not write the resume files at stop: {}; files not yet replaced keep their previous "
      "content, and the next start rechecks incomplete torrents; torrents in the batch ({}): {}{}",
      error.what(), batch.size(), fmt::join(ids, ", "),
      unnamed > 0 ? fmt::format(" and {} more", unnamed) : std::string());
}

}  // namespace

LibtorrentEngine::StopSaves LibtorrentEngine::save_for_stop() {
  StopSaves saves;
  {
    std::lock_guard lock(saves_mutex_);
    stop_written_.clear();
    stop_unchanged_.clear();
  }
  {
    std::lock_guard files_lock(resume_files_mutex_);
    stop_batch_ = std::make_unique<AtomicFileBatch>();
  }

  for (const auto& [id, handle] : catalog_->handles()) {
    ++saves.torrents;
    const std::optional<TorrentStatus> status = catalog_->find(id);
    const bool idle = status && is_idle(status->state);
    std::error_code error;
    const bool has_file =
        std::filesystem::exists(resume_file_path(options_.resume_dir, id), error);
    // Active torrents always save, because their transfer counters change
    // without libtorrent counting that as a modification.
    request_save(handle, idle && has_file);
    ++saves.requested;
  }

  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      kStopSaveTimeout + kStopSavePerTorrent * saves.requested);
  saves.missing = wait_for_saves(timeout);
  saves.complete = saves.missing == 0;
  if (!saves.complete) {
    spdlog::error(
        "timed out after {} ms waiting for resume data of {} of {} torrents; incomplete "
        "torrents will be rechecked at the next start",
        timeout.count(), saves.missing, saves.requested);
  }

  std::unique_ptr<AtomicFileBatch> batch;
  {
    std::lock_guard files_lock(resume_files_mutex_);
    batch = std::move(stop_batch_);
  }
  try {
    batch->commit();
  } catch (const std::system_error& error) {
    log_failed_batch(*batch, error);
    saves.complete = false;
  }
  std::lock_guard lock(saves_mutex_);
  saves.written = stop_written_.size();
  saves.unchanged = stop_unchanged_.size();
  return saves;
}

std::size_t LibtorrentEngine::wait_for_saves(std::chrono::milliseconds timeout) {
  std::unique_lock lock(saves_mutex_);
  saves_done_.wait_for(lock, timeout, [this] { return outstanding_saves_.empty(); });
  return outstanding_saves_.size();
}

}  // namespace revaer
