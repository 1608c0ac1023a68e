#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <filesystem>

#include "engine/engine.hpp"
#include "fsops/fsops_worker.hpp"
#include "store/store.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

// Names the stage before which every post-processing job waits until the
// daemon stops. Tests set it to stop the daemon at a known stage; it is
// read only from the environment, never from settings or the API.
inline constexpr const char* kFsopsPauseVariable = "REVAER_TEST_ONLY_FSOPS_PAUSE_BEFORE";

// Builds the worker options of revaerd: job records in DATA_DIR/fsops,
// engine moves for move_mode "move", the stored download folders for
// repairing interrupted moves, and the pause of kFsopsPauseVariable.
// `engine`, `store`, `metrics` and `stopping` must outlive the worker.
FsopsWorkerOptions daemon_fsops_options(const std::filesystem::path& data_dir,
                                        MetricsRegistry& metrics, Engine& engine, Store& store,
                                        const std::atomic<bool>& stopping);

// Moves a torrent's files to `download_dir` through `engine` and waits
// until the engine reports them there. Waits first for the engine to run
// and for the torrent to be seeding, completed or stopped (not checking).
// Fails as soon as the status shows the engine's storage_move_error, and
// when the torrent's files in `download_dir` stop growing for
// `stall_timeout`.
Status move_torrent_storage(Engine& engine, const std::string& torrent_id,
                            const std::filesystem::path& download_dir,
                            const std::function<bool()>& stop_requested,
                            std::chrono::seconds stall_timeout);

}  // namespace revaer
