#include "app/fsops_options.hpp"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

#include "fsops/fsops_meta.hpp"

namespace revaer {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto kPollInterval = 100ms;
// Time for a restarted engine to load and check a torrent before a move.
constexpr auto kReadyTimeout = 30min;
// A backstop: the engine reports a failed move in the torrent's status, so
// this fires only when a move neither fails nor makes progress.
// NOTE: a move waiting in the engine's move queue behind other moves makes
// no progress either, so a wait of over 120 s there also fails the stage.
constexpr auto kStallTimeout = 120s;

bool ready_to_move(const TorrentStatus& status) {
  return status.state == TorrentState::seeding || status.state == TorrentState::completed ||
         status.state == TorrentState::stopped;
}

// Waits until the engine runs and the torrent can move. Returns its status.
Result<TorrentStatus> wait_until_ready(const Engine& engine, const std::string& id,
                                       const std::function<bool()>& stop_requested) {
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  for (;;) {
    if (stop_requested()) {
      return Problem::unavailable("the daemon is stopping");
    }
    if (engine.running()) {
      std::optional<TorrentStatus> status = engine.find(id);
      if (!status) {
        return Problem::not_found("torrent " + id + " was removed");
      }
      if (ready_to_move(*status)) {
        return *status;
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Problem::unavailable("torrent " + id + " was not ready to move within " +
                                  std::to_string(kReadyTimeout / 1min) + " minutes");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

// Bytes of the torrent's files present under `folder`, to see a move
// progress.
std::uintmax_t bytes_in(const fs::path& folder, const std::vector<FileStatus>& files) {
  std::uintmax_t total = 0;
  for (const FileStatus& file : files) {
    std::error_code error;
    const std::uintmax_t size = fs::file_size(folder / file.path, error);
    total += error ? 0 : size;
  }
  return total;
}

// Blocks before the stage that kFsopsPauseVariable names, until the daemon
// stops.
std::function<Status(std::string_view)> pause_hook(const std::atomic<bool>& stopping) {
  const char* value = std::getenv(kFsopsPauseVariable);
  if (value == nullptr || *value == '\0') {
    return {};
  }
  const std::string stage = value;
  if (std::find(kFsopsStages.begin(), kFsopsStages.end(), stage) == kFsopsStages.end()) {
    spdlog::error("{} names no post-processing stage: '{}'; ignored", kFsopsPauseVariable, stage);
    return {};
  }
  spdlog::warn("{} is set: every post-processing job waits before stage '{}' until revaerd stops",
               kFsopsPauseVariable, stage);
  return [stage, &stopping](std::string_view next) -> Status {
    if (next != stage) {
      return Done{};
    }
    spdlog::warn("fsops: waiting before stage {} until revaerd stops ({})", stage,
                 kFsopsPauseVariable);
    while (!stopping.load()) {
      std::this_thread::sleep_for(kPollInterval);
    }
    return Problem::unavailable("stopped before stage " + stage);
  };
}

}  // namespace

Status move_torrent_storage(Engine& engine, const std::string& torrent_id,
                            const fs::path& download_dir,
                            const std::function<bool()>& stop_requested,
                            std::chrono::seconds stall_timeout) {
  Result<TorrentStatus> ready = wait_until_ready(engine, torrent_id, stop_requested);
  if (!ready) {
    return ready.problem();
  }
  if (fs::path(ready.value().download_dir) == download_dir) {
    return Done{};  // an earlier run moved the files already
  }
  const std::vector<FileStatus> files = ready.value().files;
  Status requested = engine.move_storage(torrent_id, download_dir.string());
  if (!requested) {
    return requested;
  }
  std::uintmax_t moved = 0;
  auto last_progress = std::chrono::steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(kPollInterval);
    const std::optional<TorrentStatus> status = engine.find(torrent_id);
    if (!status) {
      return Problem::not_found("torrent " + torrent_id + " was removed during its move");
    }
    if (fs::path(status->download_dir) == download_dir) {
      return Done{};
    }
    if (status->storage_move_error) {
      return Problem::internal("the engine could not move the files of torrent " + torrent_id +
                               " to '" + download_dir.string() +
                               "': " + *status->storage_move_error + "; the files stay in '" +
                               status->download_dir + "'");
    }
    if (stop_requested()) {
      return Problem::unavailable("the daemon stopped during the move of torrent " + torrent_id);
    }
    const std::uintmax_t now_moved = bytes_in(download_dir, files);
    if (now_moved != moved) {
      moved = now_moved;
      last_progress = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_progress > stall_timeout) {
      return Problem::internal("the engine did not move the files of torrent " + torrent_id +
                               " to '" + download_dir.string() + "' (no progress for " +
                               std::to_string(stall_timeout.count()) +
                               " s); the files stay in '" + status->download_dir + "'");
    }
  }
}

FsopsWorkerOptions daemon_fsops_options(const fs::path& data_dir, MetricsRegistry& metrics,
                                        Engine& engine, Store& store,
                                        const std::atomic<bool>& stopping) {
  FsopsWorkerOptions options;
  options.meta_dir = data_dir / "fsops";
  options.metrics = &metrics;
  options.before_stage = pause_hook(stopping);
  options.move_storage = [&engine](const std::string& id, const fs::path& download_dir,
                                   const std::function<bool()>& stop_requested) {
    return move_torrent_storage(engine, id, download_dir, stop_requested, kStallTimeout);
  };
  options.stored_download_dir = [&store](const std::string& id) -> std::optional<fs::path> {
    for (const TorrentRecord& record : store.torrents()) {
      if (record.id == id) {
        return fs::path(record.download_dir);
      }
    }
    return std::nullopt;
  };
  return options;
}

}  // namespace revaer
