#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace revaer {

// The name prefix of the temporary files place_file writes.
inline constexpr std::string_view kPartialFilePrefix = ".revaer-part-";

// Returns the message for an errno value followed by its name, such as
// "No space left on device (ENOSPC)", so reasons name the exact error.
std::string errno_text(int error);

// A failed file system call: its errno value as code(), and what() of the
// form "could not <action>: <message> (<ERRNO NAME>)".
class FileError : public std::system_error {
 public:
  FileError(int error, const std::string& action);
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// Throws FileError for `error` and `action`.
[[noreturn]] void throw_file_error(int error, const std::string& action);

// Returns the mode a new file or folder gets: `requested` with the bits of
// `umask` cleared. Without a umask the process umask applies as usual.
mode_t mode_after_umask(mode_t requested, std::optional<mode_t> umask);

// Copies the regular file `from` to the new file `to` with `mode` (exactly
// that mode when `exact`, else reduced by the process umask). Data is
// flushed before this returns unless `flush` is false. `to` must not
// exist. On failure the partial `to` is removed and std::system_error is
// thrown; `from` is only read.
void copy_file_exclusive(const std::filesystem::path& from, const std::filesystem::path& to,
                         mode_t mode, bool exact, bool flush = true);

// Options of PlacementBatch and place_file.
struct PlacementOptions {
  bool hardlink = false;        // link(); copies when the filesystems differ
  std::optional<mode_t> umask;  // applied to copies
};

// Places regular files, hardlinked or copied, so that no target ever
// shows a partial file. A hardlink is made at its target at once, since
// link() never leaves a partial file. A copy is written under a temporary
// name in the target's folder (".revaer-part-<name>", a stale one from an
// interrupted run is replaced), and finish() flushes every pending copy
// and then renames each over its target. Flushing the copies together
// (one syncfs() of their filesystem) lets one journal commit cover many
// files, where a flush per file costs one commit each. Throws
// std::system_error; the destructor removes the temporaries that finish()
// did not rename.
class PlacementBatch {
 public:
  explicit PlacementBatch(PlacementOptions options) : options_(std::move(options)) {}
  ~PlacementBatch();
  PlacementBatch(const PlacementBatch&) = delete;
  PlacementBatch& operator=(const PlacementBatch&) = delete;

  // Places `from` at `to`, or writes its copy for finish() to publish.
  // `to` must not exist. Finishes the batch first when it contains
  // kMaxPendingCopies copies. Every target of a batch must be
  // on one filesystem, since finish() flushes them with one syncfs().
  void add(const std::filesystem::path& from, const std::filesystem::path& to);
  // Flushes the pending copies and renames each over its target.
  void finish();
  // True when a hardlink was requested but a file was copied because the
  // two paths are on different filesystems.
  bool copied_across_devices() const { return copied_across_devices_; }

  // Copies written before finish() runs by itself, which bounds the files
  // an interruption leaves to copy again.
  static constexpr std::size_t kMaxPendingCopies = 1024;

 private:
  struct PendingCopy {
    std::filesystem::path part;
    std::filesystem::path target;
  };

  PlacementOptions options_;
  std::vector<PendingCopy> pending_;
  int flush_folder_ = -1;  // opened before the first copy, for syncfs()
  bool copied_across_devices_ = false;
};

// Places one file as PlacementBatch does and finishes at once. Returns
// PlacementBatch::copied_across_devices().
bool place_file(const std::filesystem::path& from, const std::filesystem::path& to,
                const PlacementOptions& options);

// Creates `path` and its missing parents with mode 0777 reduced by
// `umask` (or by the process umask when it is absent).
void create_folders(const std::filesystem::path& path, std::optional<mode_t> umask);

// Moves every entry of the folder `from` into the folder `to`, merging
// sub-folders and replacing files of the same name, then removes `from`.
// Both must be on one filesystem. Throws std::system_error.
void merge_folder(const std::filesystem::path& from, const std::filesystem::path& to,
                  std::optional<mode_t> umask);

}  // namespace revaer
