#include "fsops/fsops_stages.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <spdlog/spdlog.h>

#include "fsops/engine_move.hpp"
#include "fsops/file_placement.hpp"

namespace revaer {
namespace fs = std::filesystem;

fs::path staging_root_for(const fs::path& library_root, const std::string& torrent_id) {
  return library_root / (".revaer-staging-" + torrent_id);
}

fs::path StageContext::staging_root() const {
  return staging_root_for(policy.library_root, job.torrent_id);
}

fs::path StageContext::tree() const { return staging_root() / "payload" / job.source.filename(); }

fs::path StageContext::destination() const { return policy.library_root / job.source.filename(); }

std::vector<std::string> list_regular_files(const fs::path& root) {
  std::vector<std::string> files;
  std::error_code error;
  if (!fs::is_directory(fs::symlink_status(root, error))) {
    return files;
  }
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_regular_file(error) && !it->is_symlink(error)) {
      files.push_back(it->path().lexically_relative(root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status stage_validate_policy(StageContext& context) {
  auto resolved = resolve_fs_policy(context.policy);
  if (!resolved) {
    return resolved.problem();
  }
  context.resolved = std::move(resolved.value());
  return Done{};
}

Status stage_check_allow_paths(StageContext& context) {
  const auto& allowed = context.policy.allow_paths;
  if (allowed.empty()) {
    return Done{};
  }
  for (const fs::path& root : allowed) {
    if (path_is_within(context.policy.library_root, root)) {
      return Done{};
    }
  }
  return Problem::forbidden("library_root '" + context.policy.library_root.string() +
                            "' is outside every fs_policy.allow_paths entry");
}

Status stage_locate_source(StageContext& context) {
  const fs::path& source = context.job.source;
  std::error_code error;
  const fs::file_status status = fs::symlink_status(source, error);
  if (!fs::exists(status)) {
    return Problem::not_found("payload '" + source.string() + "' is missing");
  }
  if (!fs::is_regular_file(status) && !fs::is_directory(status)) {
    return Problem::unprocessable("payload '" + source.string() +
                                  "' is neither a regular file nor a folder");
  }
  if (fs::exists(fs::symlink_status(context.destination(), error))) {
    return Problem::conflict("library path '" + context.destination().string() +
                             "' already exists; nothing was overwritten");
  }
  if (path_is_within(source, context.staging_root())) {
    // The engine moved the files of an earlier run of this job (move_mode
    // "move") and its record is gone: clearing the staging area would
    // delete them.
    return Problem::conflict("payload '" + source.string() +
                             "' is in the staging area of an earlier move; move the torrent "
                             "back to its download folder and rerun");
  }
  context.meta.source_is_folder = fs::is_directory(status);
  context.meta.extracted_archives.clear();
  // Anything left from an earlier attempt that never finished this stage
  // is stale: start from an empty staging area.
  fs::remove_all(context.staging_root());
  const auto umask = context.resolved.umask;
  create_folders(context.staging_root() / "payload", umask);
  if (context.meta.source_is_folder) {
    create_folders(context.tree(), umask);
  }
  return Done{};
}

Status stage_finalise(StageContext& context) {
  if (!context.meta.torrent_files.empty()) {
    return finalise_engine_move(context);
  }
  const fs::path tree = context.tree();
  const fs::path destination = context.destination();
  std::error_code error;
  if (!fs::exists(fs::symlink_status(tree, error))) {
    // A crash after the rename and before the record was saved leaves
    // exactly this: no staged tree and the payload in the library.
    if (fs::exists(fs::symlink_status(destination, error))) {
      context.meta.library_path = destination.string();
      fs::remove_all(context.staging_root());
      return Done{};
    }
    return Problem::internal("staged payload '" + tree.string() +
                             "' is missing; rerun the job from the start");
  }
  if (::renameat2(AT_FDCWD, tree.c_str(), AT_FDCWD, destination.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) {
      return Problem::conflict("library path '" + destination.string() +
                               "' already exists; nothing was overwritten");
    }
    throw_file_error(errno, "rename '" + tree.string() + "' to '" + destination.string() + "'");
  }
  const int folder =
      ::open(context.policy.library_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    ::fsync(folder);
    ::close(folder);
  }
  context.meta.library_path = destination.string();
  fs::remove_all(context.staging_root());
  return Done{};
}

}  // namespace revaer
