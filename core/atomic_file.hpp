#pragma once

#include <filesystem>
#include <string_view>

namespace revaer {

// Replaces `path` with `contents` so that readers, and the file after a
// crash, see either the old or the new contents in full: writes a temporary
// file in the same folder, flushes it, renames it over `path` and flushes
// the folder. Throws std::system_error; on failure the old file is intact.
void write_file_atomically(const std::filesystem::path& path,
                           std::string_view contents);

}  // namespace revaer
