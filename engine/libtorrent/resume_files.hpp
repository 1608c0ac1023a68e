#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace revaer {

// Paths and atomic file I/O for the engine's resume directory, which
// contains one "<id>.resume" file per torrent and the ".running" marker. Functions
// throw std::system_error when the filesystem fails. Callers serialize
// access to any one path.

std::string resume_file_path(const std::string& resume_dir, std::string_view torrent_id);

// The marker exists while an engine runs on `resume_dir`; finding it at
// start means the previous run did not stop cleanly.
std::string running_marker_path(const std::string& resume_dir);

// Replaces `path` with `bytes` so that readers see the old or the new
// content, never a mix: writes a temporary file in the same directory,
// fsyncs it, renames it over `path` and fsyncs the directory.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Returns the file's content, or nullopt when it does not exist.
std::optional<std::string> read_file(const std::string& path);

// Deletes `path`. Returns false when it did not exist.
bool delete_file(const std::string& path);

}  // namespace revaer
