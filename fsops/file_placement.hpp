#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

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
// flushed before this returns. `to` must not exist. On failure the partial
// `to` is removed and std::system_error is thrown; `from` is only read.
void copy_file_exclusive(const std::filesystem::path& from, const std::filesystem::path& to,
                         mode_t mode, bool exact);

// Options of place_file.
struct PlacementOptions {
  bool hardlink = false;        // link(); copies when the filesystems differ
  std::optional<mode_t> umask;  // applied to copies
};

// Places the regular file `from` at `to` under a temporary name in the
// same folder (".revaer-part-<name>"), renamed over `to` once complete, so
// `to` never shows a partial file. A stale temporary from an interrupted
// run is replaced. Returns true when a hardlink was requested but the file
// was copied because `from` and `to` are on different filesystems. Throws
// std::system_error; the temporary is removed on failure.
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
