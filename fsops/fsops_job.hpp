#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/torrent.hpp"
#include "fsops/archive_extract.hpp"
#include "fsops/fs_policy.hpp"

namespace revaer {

class MetricsRegistry;

struct FsopsJob {
  std::string torrent_id;        // letters, digits, '-', '_' and '.'; no leading '.'
  std::filesystem::path source;  // the payload: download_dir / name
  // Runs a job whose record shows it failed again, resuming at the failed
  // stage. Without it such a job reports its earlier failure and runs
  // nothing.
  bool rerun_failed = false;
};

// Receives every state change of a job: "running" with the stage about to
// run, then "completed" with the library path or "failed" with the stage
// and the reason.
using FsopsStatusSink = std::function<void(const std::string& torrent_id, const FsopsStatus& status,
                                           const std::optional<std::string>& library_path)>;

// Moves a torrent's files into `download_dir` through the engine, so the
// torrent keeps seeding from there, and returns once the engine reports
// them moved. A failed move leaves the files where they were. Returns
// early, with a failed Status, once `stop_requested` returns true.
using StorageMover =
    std::function<Status(const std::string& torrent_id, const std::filesystem::path& download_dir,
                         const std::function<bool()>& stop_requested)>;

// Returns the download folder the engine loads a torrent from when it
// starts (its stored download_dir), or nullopt for an unknown torrent.
using StoredDownloadDir =
    std::function<std::optional<std::filesystem::path>(const std::string& torrent_id)>;

struct FsopsRunOptions {
  // Folder of the `<torrent_id>.revaer.meta` records. Empty: no records,
  // so an interrupted job starts over and a finished one runs again.
  std::filesystem::path meta_dir;
  // Counts fsops_steps_total{step,status}; may be null. Must outlive runs.
  MetricsRegistry* metrics = nullptr;
  ExtractLimits extract_limits{};
  std::string par2_program = "par2";
  // Called before each stage with its name. A failed Status fails that
  // stage as if the stage had, so tests can inject a failure anywhere.
  std::function<Status(std::string_view stage)> before_stage{};
  // Needed by move_mode "move"; without it such a job fails at transfer.
  StorageMover move_storage{};
  // Read when the worker starts, to repair moves a crash interrupted.
  StoredDownloadDir stored_download_dir{};
  // Returns true once the worker is stopping. A stage that fails meanwhile
  // leaves the job "running", so it resumes at the next start. FsopsWorker
  // sets it.
  std::function<bool()> stop_requested{};
};

// Runs one job on the calling thread, resuming after the stages its meta
// record lists as finished, and returns its final status. A job whose
// record shows it completed runs no stage and reports completed again; one
// whose record shows it failed does the same unless job.rerun_failed is
// set. A failed job keeps its staging area in the library root, so a rerun
// resumes without redoing par2 or extraction.
// `policy` is read once, at the start. File system and policy errors fail
// the job with a reason instead of throwing.
FsopsStatus run_fsops_job(const FsopsJob& job, const FsPolicyView& policy,
                          const FsopsRunOptions& options, const FsopsStatusSink& sink);

}  // namespace revaer
