#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace revaer {

// Bounds on the content of one torrent, checked while the tree is read so
// that a huge tree is rejected before it is hashed.
struct AuthorLimits {
  std::size_t max_files = 50'000;  // regular files, empty ones included
  std::uint64_t max_total_bytes = std::uint64_t{64} << 30;  // 64 GiB
};

// One regular file of a source tree.
struct SourceFile {
  std::filesystem::path relative_path;  // below the tree's parent folder
  std::uint64_t size = 0;               // bytes
};

// The files a torrent is built from, in a deterministic order.
struct SourceTree {
  std::string name;                    // the file or folder name
  std::filesystem::path parent;        // the folder that contains it
  std::vector<SourceFile> files;       // sorted component by component
  std::uint64_t total_bytes = 0;
  // Symbolic links and special files (FIFOs, sockets, devices) found below
  // a folder, relative to the folder. They are left out of the torrent, and
  // links are never followed.
  std::vector<std::string> skipped;
};

// Reads the regular files below `path`, or `path` itself when it is a
// regular file. `path` must be absolute and lexically normal. Problems
// (422, pointer /path): `path` is missing, a symbolic link or a special
// file, a folder cannot be read, the tree has no regular file, or it
// exceeds `limits`.
Result<SourceTree> scan_source_tree(const std::filesystem::path& path,
                                    const AuthorLimits& limits);

}  // namespace revaer
