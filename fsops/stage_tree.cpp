// The stages that shape the staged tree: flatten, transfer, permissions
// and cleanup.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

#include "fsops/cleanup_rules.hpp"
#include "fsops/engine_move.hpp"
#include "fsops/file_placement.hpp"
#include "fsops/fsops_stages.hpp"

namespace revaer {
namespace fs = std::filesystem;

namespace {

std::string file_name(const std::string& relative) {
  return fs::path(relative).filename().string();
}

// Removes the empty folders below `root`, deepest first; keeps `root`.
void remove_empty_folders(const fs::path& root) {
  std::vector<fs::path> folders;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_directory() && !it->is_symlink()) {
      folders.push_back(it->path());
    }
  }
  std::sort(folders.begin(), folders.end(), [](const fs::path& a, const fs::path& b) {
    return a.native().size() > b.native().size();
  });
  for (const fs::path& folder : folders) {
    if (fs::is_empty(folder)) {
      fs::remove(folder);
    }
  }
}

// Removes temporary files that an interrupted placement left in `root`.
void remove_partial_files(const fs::path& root) {
  for (const std::string& relative : list_regular_files(root)) {
    if (file_name(relative).starts_with(kPartialFilePrefix)) {
      fs::remove(root / relative);
    }
  }
}

// The payload's files that transfer places: all but extracted archives.
std::vector<std::string> files_to_transfer(const StageContext& context) {
  const std::set<std::string> extracted(context.meta.extracted_archives.begin(),
                                        context.meta.extracted_archives.end());
  std::vector<std::string> files;
  for (const std::string& relative : list_regular_files(context.job.source)) {
    if (!extracted.contains(relative)) {
      files.push_back(relative);
    }
  }
  return files;
}

// Finds two different files that flattening would give one name.
std::optional<std::string> flatten_conflict(const StageContext& context) {
  std::map<std::string, std::string> owner_by_name;  // name -> relative path
  std::vector<std::string> candidates = list_regular_files(context.tree());
  const std::vector<std::string> sources = files_to_transfer(context);
  candidates.insert(candidates.end(), sources.begin(), sources.end());
  for (const std::string& relative : candidates) {
    const auto [it, inserted] = owner_by_name.emplace(file_name(relative), relative);
    if (!inserted && it->second != relative) {
      return "flatten would give '" + it->second + "' and '" + relative + "' the same name '" +
             it->first + "'";
    }
  }
  return std::nullopt;
}

void apply_mode(const fs::path& path, std::optional<mode_t> mode) {
  if (mode && ::chmod(path.c_str(), *mode) != 0) {
    throw_file_error(errno, "set the mode of '" + path.string() + "'");
  }
}

void apply_owner(const fs::path& path, const ResolvedFsPolicy& resolved) {
  if (!resolved.uid && !resolved.gid) {
    return;
  }
  const uid_t uid = resolved.uid.value_or(static_cast<uid_t>(-1));
  const gid_t gid = resolved.gid.value_or(static_cast<gid_t>(-1));
  if (::lchown(path.c_str(), uid, gid) != 0) {
    throw_file_error(errno, "change the owner of '" + path.string() + "'");
  }
}

}  // namespace

void apply_folder_policy(const fs::path& root, const ResolvedFsPolicy& resolved) {
  std::optional<mode_t> mode = resolved.dir_mode;
  if (!mode && resolved.umask) {
    mode = mode_after_umask(0777, resolved.umask);
  }
  const auto apply = [&](const fs::path& folder) {
    apply_owner(folder, resolved);
    apply_mode(folder, mode);
  };
  apply(root);
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_directory() && !it->is_symlink()) {
      apply(it->path());
    }
  }
}

Status stage_flatten(StageContext& context) {
  if (!context.policy.flatten || !context.meta.source_is_folder) {
    return context.skip();
  }
  if (const auto conflict = flatten_conflict(context)) {
    return Problem::conflict(*conflict);
  }
  const fs::path tree = context.tree();
  for (const std::string& relative : list_regular_files(tree)) {
    const fs::path target = tree / file_name(relative);
    if (tree / relative != target) {
      fs::rename(tree / relative, target);
    }
  }
  remove_empty_folders(tree);
  return Done{};
}

Status stage_transfer(StageContext& context) {
  if (context.policy.move_mode == "move") {
    return transfer_by_engine_move(context);
  }
  const PlacementOptions placement{context.policy.move_mode == "hardlink", context.resolved.umask};
  const fs::path tree = context.tree();
  bool copied_across_devices = false;
  if (!context.meta.source_is_folder) {
    if (!fs::exists(fs::symlink_status(tree))) {
      copied_across_devices = place_file(context.job.source, tree, placement);
    }
  } else {
    PlacementBatch batch(placement);
    fs::path created_folder;
    for (const std::string& relative : files_to_transfer(context)) {
      const fs::path target =
          tree / (context.policy.flatten ? fs::path(file_name(relative)) : fs::path(relative));
      if (fs::exists(fs::symlink_status(target))) {
        continue;  // placed by par2, extraction or an interrupted run
      }
      if (target.parent_path() != created_folder) {
        create_folders(target.parent_path(), placement.umask);
        created_folder = target.parent_path();
      }
      batch.add(context.job.source / relative, target);
    }
    batch.finish();
    copied_across_devices = batch.copied_across_devices();
  }
  remove_partial_files(tree);
  if (copied_across_devices) {
    spdlog::warn(
        "fsops: torrent {} copied instead of hardlinked: the library "
        "is on another filesystem",
        context.job.torrent_id);
  }
  return Done{};
}

Status stage_permissions(StageContext& context) {
  const ResolvedFsPolicy& resolved = context.resolved;
  if (!resolved.file_mode && !resolved.dir_mode && !resolved.uid && !resolved.gid) {
    return context.skip();
  }
  const fs::path tree = context.tree();
  const auto apply = [&resolved](const fs::path& path, bool folder) {
    apply_owner(path, resolved);
    apply_mode(path, folder ? resolved.dir_mode : resolved.file_mode);
  };
  const fs::file_status root = fs::symlink_status(tree);
  if (!fs::is_directory(root)) {
    apply(tree, false);
    return Done{};
  }
  apply(tree, true);
  for (auto it = fs::recursive_directory_iterator(tree); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_symlink()) {
      continue;
    }
    apply(it->path(), it->is_directory());
  }
  return Done{};
}

Status stage_cleanup(StageContext& context) {
  const ResolvedFsPolicy& resolved = context.resolved;
  if ((resolved.keep_globs.empty() && resolved.drop_globs.empty()) ||
      !context.meta.source_is_folder) {
    return context.skip();
  }
  const fs::path tree = context.tree();
  int removed = 0;
  for (const std::string& relative : list_regular_files(tree)) {
    if (is_torrent_file(context, relative)) {
      continue;  // move_mode "move": the torrent seeds this file
    }
    if (cleanup_removes(resolved.keep_globs, resolved.drop_globs, relative)) {
      fs::remove(tree / relative);
      ++removed;
    }
  }
  remove_empty_folders(tree);
  spdlog::info("fsops: torrent {}: cleanup removed {} file(s)", context.job.torrent_id, removed);
  return Done{};
}

}  // namespace revaer
