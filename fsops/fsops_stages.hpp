#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "fsops/fs_policy.hpp"
#include "fsops/fsops_job.hpp"
#include "fsops/fsops_meta.hpp"

namespace revaer {

// The state the stages of one run share. The staging area
// `<library_root>/.revaer-staging-<torrent_id>/` contains `payload/<name>`
// (the tree being built) and the work folders of par2 and extraction. The
// finalise stage renames the tree to `<library_root>/<name>`.
struct StageContext {
  const FsopsJob& job;
  const FsPolicyView& policy;
  const FsopsRunOptions& options;
  FsopsMeta& meta;
  ResolvedFsPolicy resolved;  // set by validate_policy
  // Saves the job record now; stages call it before a step that must be
  // known after a crash.
  std::function<void()> save_record;
  // Whether the current stage called skip(), leaving the disk unchanged.
  bool skipped = false;

  // Returns success for a stage that the policy or payload turns off, and
  // marks it as having changed nothing, so the runner need not save the
  // job record after it.
  Status skip() {
    skipped = true;
    return Done{};
  }

  std::filesystem::path staging_root() const;
  std::filesystem::path tree() const;         // staging_root/payload/<name>
  std::filesystem::path destination() const;  // library_root/<name>
};

// Each stage returns a failed Status with the reason, or throws
// std::exception, which the runner turns into a failure.
Status stage_validate_policy(StageContext& context);
Status stage_check_allow_paths(StageContext& context);
Status stage_locate_source(StageContext& context);
Status stage_par2(StageContext& context);
Status stage_extract(StageContext& context);
Status stage_flatten(StageContext& context);
Status stage_transfer(StageContext& context);
Status stage_permissions(StageContext& context);
Status stage_cleanup(StageContext& context);
Status stage_finalise(StageContext& context);

// Returns `<library_root>/.revaer-staging-<torrent_id>`.
std::filesystem::path staging_root_for(const std::filesystem::path& library_root,
                                       const std::string& torrent_id);

// Applies chmod_dir (or, without it, 0777 reduced by umask), owner and
// group to `root` and every folder below it.
void apply_folder_policy(const std::filesystem::path& root, const ResolvedFsPolicy& resolved);

// Returns the regular files under `root`, as '/'-separated paths relative
// to it, sorted. Symbolic links are neither listed nor followed.
std::vector<std::string> list_regular_files(const std::filesystem::path& root);

}  // namespace revaer
