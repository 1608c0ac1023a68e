#include "fsops/fsops_job.hpp"

#include <exception>
#include <system_error>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "fsops/fsops_meta.hpp"
#include "fsops/fsops_stages.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {
namespace fs = std::filesystem;

namespace {

using StageFunction = Status (*)(StageContext&);

struct StageEntry {
  std::string_view name;
  StageFunction run;
  bool check_only;  // writes nothing, so it runs again on every resume
};

constexpr StageEntry kStageTable[] = {
    {kFsopsStages[0], stage_validate_policy, true},
    {kFsopsStages[1], stage_check_allow_paths, true},
    {kFsopsStages[2], stage_locate_source, false},
    {kFsopsStages[3], stage_par2, false},
    {kFsopsStages[4], stage_extract, false},
    {kFsopsStages[5], stage_flatten, false},
    {kFsopsStages[6], stage_transfer, false},
    {kFsopsStages[7], stage_permissions, false},
    {kFsopsStages[8], stage_cleanup, false},
    {kFsopsStages[9], stage_finalise, false},
};

// Torrent ids become file names, so only a safe alphabet is accepted.
bool safe_torrent_id(const std::string& id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') {
    return false;
  }
  for (const char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!allowed) {
      return false;
    }
  }
  return true;
}

// Runs one stage, turning exceptions into a failed Status.
Status run_stage(const StageEntry& stage, StageContext& context) {
  try {
    if (context.options.before_stage) {
      Status injected = context.options.before_stage(stage.name);
      if (!injected) {
        return injected;
      }
    }
    return stage.run(context);
  } catch (const std::exception& error) {
    return Problem::internal(error.what());
  }
}

// Whether `job` is the payload of `stored`. With move_mode "move" the
// engine reports the torrent in the staging area or in the library once
// its files moved, and that is still the recorded job: starting it over
// would clear a staging area that contains the torrent's files.
bool same_payload(const FsopsMeta& stored, const FsopsJob& job) {
  if (stored.source == job.source.string()) {
    return true;
  }
  if (stored.torrent_files.empty() ||
      fs::path(stored.source).filename() != job.source.filename()) {
    return false;
  }
  const fs::path root(stored.library_root);
  const fs::path folder = job.source.parent_path();
  return folder == root || folder == staging_root_for(root, stored.torrent_id) / "payload";
}

void count_step(const FsopsRunOptions& options, std::string_view step, const char* status) {
  if (options.metrics == nullptr) {
    return;
  }
  options.metrics
      ->counter("fsops_steps_total", "Post-processing stages run, by stage and outcome",
                {{"step", std::string(step)}, {"status", status}})
      .increment();
}

class JobRunner {
 public:
  JobRunner(const FsopsJob& job, const FsPolicyView& policy, const FsopsRunOptions& options,
            const FsopsStatusSink& sink)
      : job_(job), policy_(policy), options_(options), sink_(sink) {}

  FsopsStatus run();

 private:
  void load_record();
  void save_record();
  FsopsStatus fail(std::string_view stage, const std::string& reason);
  FsopsStatus interrupt(std::string_view stage, const std::string& reason);
  FsopsStatus report_earlier_failure();
  FsopsStatus complete();
  bool record_needed_after(const StageEntry& stage, const StageContext& context) const;

  const FsopsJob& job_;
  const FsPolicyView& policy_;
  const FsopsRunOptions& options_;
  const FsopsStatusSink& sink_;
  FsopsMeta meta_;
  bool resumed_ = false;
  // Whether the record on disk is this attempt's, in state "running".
  bool running_record_saved_ = false;
  // Whether a record file existed before this attempt or was saved by it.
  bool record_exists_ = false;
};

void JobRunner::load_record() {
  std::optional<FsopsMeta> stored;
  if (!options_.meta_dir.empty()) {
    stored = load_meta(meta_path(options_.meta_dir, job_.torrent_id));
  }
  record_exists_ = stored.has_value();
  // A record for another payload or library starts over: its staging area
  // belongs to the old library root and its stages to the old payload.
  if (stored && same_payload(*stored, job_) &&
      (stored->state == "completed" || stored->library_root == policy_.library_root.string())) {
    meta_ = std::move(*stored);
    resumed_ = true;
    running_record_saved_ = meta_.state == "running";
    return;
  }
  meta_ = FsopsMeta{};
  meta_.torrent_id = job_.torrent_id;
  meta_.source = job_.source.string();
  meta_.library_root = policy_.library_root.string();
  meta_.started_at_ms = now_unix_ms();
}

void JobRunner::save_record() {
  meta_.updated_at_ms = now_unix_ms();
  if (!options_.meta_dir.empty()) {
    // The first record of a new job is not flushed. A power loss can then
    // lose it, and the job starts over, as it must anyway: nothing done
    // before this save needs keeping. Every later save flushes, and with
    // it the folder, so the record is durable from the next save on.
    save_meta(meta_path(options_.meta_dir, job_.torrent_id), meta_, record_exists_);
    record_exists_ = true;
    running_record_saved_ = meta_.state == "running";
  }
}

// Saving the record after a stage makes its completion survive a crash.
// Each save waits for two flushes (the record and its folder), so the
// runner leaves it out after a stage that a resumed run can redo without
// harm. A check writes nothing and runs on every attempt anyway. A stage
// that returned through StageContext::skip() changed nothing on disk, so
// redoing it does what the first run did, or under a changed policy what
// a new attempt would do. The next save, a failure or a stop records such
// a stage as finished. The first stage of an attempt always saves, so
// that after a crash the worker finds the job among the interrupted ones,
// and the last stage saves because a completed job must never run again.
bool JobRunner::record_needed_after(const StageEntry& stage, const StageContext& context) const {
  if (!running_record_saved_ || stage.name == kFsopsStages.back()) {
    return true;
  }
  return !stage.check_only && !context.skipped;
}

FsopsStatus JobRunner::fail(std::string_view stage, const std::string& reason) {
  spdlog::error("fsops: torrent {} failed at stage {}: {}", job_.torrent_id, stage, reason);
  const FsopsStatus status{"failed", std::string(stage), reason};
  meta_.state = "failed";
  meta_.failed_stage = std::string(stage);
  meta_.error = reason;
  try {
    save_record();
  } catch (const std::exception& error) {
    spdlog::error("fsops: could not save the record of torrent {}: {}", job_.torrent_id,
                  error.what());
  }
  sink_(job_.torrent_id, status, std::nullopt);
  return status;
}

// Leaves the record "running", so the next start resumes at `stage`.
FsopsStatus JobRunner::interrupt(std::string_view stage, const std::string& reason) {
  spdlog::info("fsops: torrent {} stopped during stage {} ({}); it resumes at the next start",
               job_.torrent_id, stage, reason);
  try {
    save_record();
  } catch (const std::exception& error) {
    spdlog::error("fsops: could not save the record of torrent {}: {}", job_.torrent_id,
                  error.what());
  }
  return FsopsStatus{"running", std::string(stage), std::nullopt};
}

FsopsStatus JobRunner::report_earlier_failure() {
  spdlog::info(
      "fsops: torrent {} failed at stage {} before; not run again until a postprocess action",
      job_.torrent_id, meta_.failed_stage.value_or("?"));
  const FsopsStatus status{"failed", meta_.failed_stage, meta_.error};
  sink_(job_.torrent_id, status, std::nullopt);
  return status;
}

FsopsStatus JobRunner::complete() {
  const FsopsStatus status{"completed", std::nullopt, std::nullopt};
  spdlog::info("fsops: completed torrent {} at '{}'", job_.torrent_id,
               meta_.library_path.value_or(""));
  sink_(job_.torrent_id, status, meta_.library_path);
  return status;
}

FsopsStatus JobRunner::run() {
  if (!safe_torrent_id(job_.torrent_id)) {
    // No record is written: the id cannot name its file.
    const std::string reason =
        "torrent id '" + job_.torrent_id + "' cannot name a file; nothing was done";
    spdlog::error("fsops: torrent {} failed: {}", job_.torrent_id, reason);
    const FsopsStatus status{"failed", std::string(kFsopsStages[0]), reason};
    sink_(job_.torrent_id, status, std::nullopt);
    return status;
  }
  load_record();
  if (meta_.state == "completed") {
    spdlog::info("fsops: torrent {} was already post-processed; nothing to do", job_.torrent_id);
    return complete();
  }
  if (resumed_ && meta_.state == "failed" && !job_.rerun_failed) {
    return report_earlier_failure();
  }
  spdlog::info("fsops: {} torrent {} ({} into '{}')", resumed_ ? "resuming" : "started",
               job_.torrent_id, policy_.move_mode, policy_.library_root.string());
  meta_.state = "running";
  meta_.failed_stage.reset();
  meta_.error.reset();
  meta_.policy = to_json(policy_);

  StageContext context{job_, policy_, options_, meta_, {}, [this] { save_record(); }};
  for (const StageEntry& stage : kStageTable) {
    if (!stage.check_only && meta_.finished(stage.name)) {
      continue;
    }
    sink_(job_.torrent_id, FsopsStatus{"running", std::string(stage.name), std::nullopt},
          std::nullopt);
    context.skipped = false;
    Status outcome = run_stage(stage, context);
    if (!outcome && options_.stop_requested && options_.stop_requested()) {
      return interrupt(stage.name, outcome.problem().detail);
    }
    if (!outcome) {
      count_step(options_, stage.name, "failed");
      return fail(stage.name, outcome.problem().detail);
    }
    count_step(options_, stage.name, "completed");
    if (!meta_.finished(stage.name)) {
      meta_.finished_stages.emplace_back(stage.name);
    }
    if (stage.name == kFsopsStages.back()) {
      meta_.state = "completed";
    }
    if (!record_needed_after(stage, context)) {
      continue;
    }
    try {
      save_record();
    } catch (const std::exception& error) {
      return fail(stage.name, std::string("could not save the job record: ") + error.what());
    }
  }
  return complete();
}

}  // namespace

FsopsStatus run_fsops_job(const FsopsJob& job, const FsPolicyView& policy,
                          const FsopsRunOptions& options, const FsopsStatusSink& sink) {
  JobRunner runner(job, policy, options, sink);
  return runner.run();
}

}  // namespace revaer
