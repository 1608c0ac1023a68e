// Storage moves of LibtorrentEngine: the queue that hands moves to
// libtorrent a few at a time, and the moves that wait across a stop.

#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>
#include <libtorrent/error_code.hpp>
#include <libtorrent/storage_defs.hpp>
#include <libtorrent/torrent_handle.hpp>

#include "engine/libtorrent/libtorrent_engine.hpp"
#include "engine/libtorrent/resume_files.hpp"
#include "engine/libtorrent/status_catalog.hpp"

namespace revaer {
namespace {

// How long stop() waits for the moves libtorrent is running. A move
// within one filesystem renames files and takes milliseconds, but one
// across filesystems copies the payload and may take longer.
constexpr auto kRunningMovesTimeout = std::chrono::seconds(60);

}  // namespace

void LibtorrentEngine::start_moves(const std::vector<StorageMove>& moves) {
  for (const StorageMove& move : moves) start_move(move, {});
}

void LibtorrentEngine::start_move(const StorageMove& move, lt::torrent_handle handle) {
  if (!handle.is_valid()) {
    if (const std::optional<CatalogEntry> entry = catalog_->entry(move.id)) handle = entry->handle;
  }
  try {
    // fail_if_exist keeps files that already lie in the destination: the
    // move fails instead of overwriting them.
    handle.move_storage(move.target, lt::move_flags_t::fail_if_exist);
  } catch (const lt::system_error& error) {
    spdlog::warn("could not start moving torrent {} to '{}': {}", move.id, move.target,
                 error.what());
    start_moves(moves_.finish(move.id));
    return;
  }
  spdlog::info("torrent {}: moving files to '{}'", move.id, move.target);
}

void LibtorrentEngine::finish_move(const std::string& id) {
  start_moves(moves_.finish(id));
}

void LibtorrentEngine::keep_waiting_moves(StopMoves& counts) {
  std::vector<StorageMove> waiting = moves_.take_waiting();
  {
    std::lock_guard lock(restored_moves_mutex_);
    // Moves read at start whose torrent the session never added.
    for (auto& [id, target] : restored_moves_) waiting.push_back({id, std::move(target)});
    restored_moves_.clear();
  }
  counts.waiting = waiting.size();

  const auto started = std::chrono::steady_clock::now();
  while (moves_.running() > 0 &&
         std::chrono::steady_clock::now() - started < kRunningMovesTimeout) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  counts.running = moves_.running();
  if (counts.running > 0) {
    spdlog::error(
        "{} storage moves still run after {} s; their torrents keep their recorded folder until "
        "the next start finds the files",
        counts.running, kRunningMovesTimeout.count());
  }

  if (waiting.empty()) return;
  std::string lines;
  for (const StorageMove& move : waiting) lines += move.id + ' ' + move.target + '\n';
  try {
    write_file_atomically(waiting_moves_path(options_.resume_dir), lines);
  } catch (const std::system_error& error) {
    spdlog::error("could not keep {} waiting storage moves for the next start: {}",
                  waiting.size(), error.what());
  }
}

void LibtorrentEngine::restore_waiting_moves() {
  const std::string path = waiting_moves_path(options_.resume_dir);
  std::map<std::string, std::string> restored;
  try {
    const std::optional<std::string> content = read_file(path);
    if (!content) return;
    restored = parse_waiting_moves(*content);
    delete_file(path);
  } catch (const std::system_error& error) {
    spdlog::error("could not read the storage moves kept at the last stop: {}", error.what());
    return;
  }
  spdlog::info("{} storage moves kept at the last stop will start once their torrents load",
               restored.size());
  std::lock_guard lock(restored_moves_mutex_);
  restored_moves_ = std::move(restored);
}

void LibtorrentEngine::resume_restored_move(const std::string& id) {
  std::string target;
  {
    std::lock_guard lock(restored_moves_mutex_);
    const auto restored = restored_moves_.find(id);
    if (restored == restored_moves_.end()) return;
    target = std::move(restored->second);
    restored_moves_.erase(restored);
  }
  if (moves_.request(id, target)) start_move({id, target}, {});
}

}  // namespace revaer
