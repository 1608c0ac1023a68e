#include "fsops/engine_move.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <spdlog/spdlog.h>

#include "fsops/file_placement.hpp"

namespace revaer {
namespace fs = std::filesystem;

namespace {

// The payload's files relative to its download folder, as libtorrent
// names them: "<name>/<path>" for a folder, "<name>" for a single file.
std::vector<std::string> payload_files(const StageContext& context) {
  const fs::path source(context.meta.source);
  const std::string name = source.filename().string();
  if (!context.meta.source_is_folder) {
    return {name};
  }
  std::vector<std::string> files;
  for (const std::string& relative : list_regular_files(source)) {
    files.push_back(name + "/" + relative);
  }
  return files;
}

// Records the move before requesting it from the engine, so a restart
// finds which files may be half-way, then waits for the engine to finish.
Status move_through_engine(StageContext& context, const fs::path& from, const fs::path& to) {
  context.meta.storage_move_from = from.string();
  context.meta.storage_move_to = to.string();
  context.save_record();
  spdlog::info("fsops: torrent {}: the engine moves its files from '{}' to '{}'",
               context.job.torrent_id, from.string(), to.string());
  const std::function<bool()> never = [] { return false; };
  const std::function<bool()>& stop_requested =
      context.options.stop_requested ? context.options.stop_requested : never;
  Status moved = context.options.move_storage(context.job.torrent_id, to, stop_requested);
  if (!moved) {
    return moved;
  }
  context.meta.storage_move_from.reset();
  context.meta.storage_move_to.reset();
  context.save_record();
  return Done{};
}

// Renames every file left in the staged tree (the extracted ones) to the
// same path under `destination`, never replacing a file.
Status place_staged_files(const StageContext& context, const fs::path& destination) {
  const fs::path tree = context.tree();
  for (const std::string& relative : list_regular_files(tree)) {
    const fs::path target = destination / relative;
    create_folders(target.parent_path(), context.resolved.umask);
    const fs::path staged = tree / relative;
    if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) {
        return Problem::conflict("library path '" + target.string() +
                                 "' already exists; nothing was overwritten");
      }
      throw_file_error(errno, "rename '" + staged.string() + "' to '" + target.string() + "'");
    }
  }
  return Done{};
}

void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Status transfer_by_engine_move(StageContext& context) {
  if (!context.options.move_storage) {
    return Problem::unprocessable(
        "move_mode 'move' needs the engine to move the torrent's files, and this worker has no "
        "engine; use copy or hardlink");
  }
  const fs::path staged_parent = context.staging_root() / "payload";
  if (context.meta.torrent_files.empty()) {
    std::vector<std::string> files = payload_files(context);
    for (const std::string& relative : files) {
      if (fs::exists(fs::symlink_status(staged_parent / relative))) {
        return Problem::conflict("extracted or repaired file '" + relative +
                                 "' has the path of a torrent file, which move_mode 'move' "
                                 "keeps unchanged; use copy or hardlink");
      }
    }
    context.meta.torrent_files = std::move(files);
  }
  return move_through_engine(context, fs::path(context.meta.source).parent_path(), staged_parent);
}

Status finalise_engine_move(StageContext& context) {
  const fs::path destination = context.destination();
  Status moved = move_through_engine(context, context.staging_root() / "payload",
                                     context.policy.library_root);
  if (!moved) {
    return moved;
  }
  Status placed = place_staged_files(context, destination);
  if (!placed) {
    return placed;
  }
  if (context.meta.source_is_folder) {
    // The engine created the library folders, so they lack the policy.
    apply_folder_policy(destination, context.resolved);
  }
  sync_folder(context.policy.library_root);
  const std::vector<std::string> left = list_regular_files(context.staging_root());
  if (!left.empty()) {
    return Problem::internal("staging area '" + context.staging_root().string() +
                             "' still contains '" + left.front() + "'; it was kept");
  }
  context.meta.library_path = destination.string();
  fs::remove_all(context.staging_root());
  return Done{};
}

bool is_torrent_file(const StageContext& context, const std::string& relative) {
  const std::string path = fs::path(context.meta.source).filename().string() + "/" + relative;
  const auto& files = context.meta.torrent_files;
  return std::find(files.begin(), files.end(), path) != files.end();
}

void restore_interrupted_move(const FsopsMeta& meta, const fs::path& engine_dir) {
  if (!meta.storage_move_from || !meta.storage_move_to) {
    return;
  }
  const fs::path from(*meta.storage_move_from);
  const fs::path to(*meta.storage_move_to);
  if (engine_dir != from && engine_dir != to) {
    spdlog::warn("fsops: torrent {} is stored in '{}', neither end of its interrupted move",
                 meta.torrent_id, engine_dir.string());
    return;
  }
  const fs::path other = engine_dir == from ? to : from;
  int restored = 0;
  int removed = 0;
  for (const std::string& relative : meta.torrent_files) {
    const fs::path expected = engine_dir / relative;
    const fs::path stray = other / relative;
    std::error_code error;
    if (!fs::is_regular_file(fs::symlink_status(stray, error))) {
      continue;
    }
    if (fs::exists(fs::symlink_status(expected, error))) {
      fs::remove(stray, error);
      removed += error ? 0 : 1;
    } else {
      fs::create_directories(expected.parent_path(), error);
      fs::rename(stray, expected, error);
      restored += error ? 0 : 1;
    }
    if (error) {
      spdlog::error("fsops: torrent {}: could not restore '{}' to '{}': {}", meta.torrent_id,
                    stray.string(), engine_dir.string(), error.message());
    }
  }
  spdlog::info(
      "fsops: torrent {}: repaired an interrupted move: {} file(s) back in '{}', {} stray "
      "copies removed",
      meta.torrent_id, restored, engine_dir.string(), removed);
}

}  // namespace revaer
