#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
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

// The file in which stop() keeps the storage moves that had not started,
// one "<id> <folder>" line each, for the next start.
std::string waiting_moves_path(const std::string& resume_dir);

// Parses the lines of the waiting-moves file into id -> folder. Skips
// lines without a space or with a folder that is not absolute.
std::map<std::string, std::string> parse_waiting_moves(std::string_view content);

// Replaces `path` with `bytes` so that readers see the old or the new
// content, never a mix: writes a temporary file in the same directory,
// fsyncs it, renames it over `path` and fsyncs the directory. When a step
// fails (a full disk, for example), the temporary file is deleted and
// `path` keeps its previous content.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Replaces many files atomically, like write_file_atomically(), with one
// syncfs() and one fsync per directory for all of them instead of two
// fsyncs per file. stop() uses it for the resume files. syncfs() also
// flushes other dirty data of that filesystem, such as downloaded pieces.
// Not thread-safe: the caller serializes add() and commit().
class AtomicFileBatch {
 public:
  // Writes `bytes` to "<path>.tmp", leaving `path` as it is until
  // commit(). A second add() of one path replaces the first. Throws
  // std::system_error.
  void add(const std::string& path, std::string_view bytes);
  // Syncs the filesystem of each directory, renames every temporary file
  // over its path and fsyncs each directory. Returns the number of files
  // replaced. Throws std::system_error on the first failure, leaving the
  // remaining files as they were and deleting their temporary files.
  std::size_t commit();
  std::size_t size() const { return paths_.size(); }
  // The paths added since the last successful commit().
  const std::set<std::string>& paths() const { return paths_; }

 private:
  std::set<std::string> paths_;
};

// Returns the file's content, or nullopt when it does not exist.
std::optional<std::string> read_file(const std::string& path);

// Deletes `path`. Returns false when it did not exist.
bool delete_file(const std::string& path);

}  // namespace revaer
