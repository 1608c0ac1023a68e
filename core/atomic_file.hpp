#pragma once

#include <filesystem>
#include <string_view>

namespace revaer {

// Replaces `path` with `contents` so that readers, and the file after a
// crash, see either the old or the new contents in full: writes a temporary
// file in the same folder, flushes it, renames it over `path` and flushes
// the folder. Throws std::system_error; on failure the old file is intact.
// With `flush` false both flushes are left out: readers and a restart
// after a killed process still see old or new contents in full, but after
// a power loss the file may be missing, empty or old.
void write_file_atomically(const std::filesystem::path& path,
                           std::string_view contents, bool flush = true);

}  // namespace revaer
