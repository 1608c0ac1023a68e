#pragma once

#include <filesystem>
#include <string>

#include "core/result.hpp"
#include "fsops/fsops_meta.hpp"
#include "fsops/fsops_stages.hpp"

namespace revaer {

// move_mode "move": the engine moves the torrent's own files, so it keeps
// seeding them. Transfer moves them into the staged tree. Finalise moves
// them on into `library_root/<name>`, one rename per file on the library's
// filesystem, and then renames the extracted files in beside them.
Status transfer_by_engine_move(StageContext& context);
Status finalise_engine_move(StageContext& context);

// Whether `relative` (a path under the payload root) is one of the files
// the engine moved; cleanup keeps those, because the torrent seeds them.
bool is_torrent_file(const StageContext& context, const std::string& relative);

// Puts the files of a move that a crash interrupted where the engine will
// look for them: `engine_dir`, the torrent's stored download folder. A
// file missing there is renamed back from the other end of the move, and a
// copy at the other end of a file present in `engine_dir` (left by a move
// across filesystems) is removed. Call before the engine starts. Logs and
// skips files it cannot restore.
void restore_interrupted_move(const FsopsMeta& meta, const std::filesystem::path& engine_dir);

}  // namespace revaer
