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
