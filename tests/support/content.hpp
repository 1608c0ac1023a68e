#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace revaer::test {

// One file of generated content.
struct ContentFile {
  std::string relative_path;  // UTF-8, '/' separated
  std::uint64_t size = 0;     // bytes
};

// A small multi-file layout (about 5 MiB): a nested folder, names with
// spaces and non-ASCII characters, sizes from one byte to a few MiB that
// do not line up with piece boundaries.
std::vector<ContentFile> sample_layout();

// Writes every file of `files` under `root`, creating folders. The bytes
// are pseudo-random and depend only on `seed` and the file's path, so two
// calls with the same arguments write identical trees.
void write_content(const std::filesystem::path& root,
                   const std::vector<ContentFile>& files, std::uint64_t seed);

// Returns the lower-case hex SHA-256 of a file's bytes, read in chunks.
// Throws std::runtime_error when the file cannot be read.
std::string sha256_of_file(const std::filesystem::path& path);

// Returns the SHA-256 of every regular file under `root`, keyed by its
// path relative to `root` (generic form, '/' separated).
std::map<std::string, std::string> hash_tree(const std::filesystem::path& root);

// Returns the total size in bytes of the regular files under `root`.
std::uint64_t tree_size(const std::filesystem::path& root);

}  // namespace revaer::test
