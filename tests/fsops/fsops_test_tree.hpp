#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace revaer::test {

// A regular file as the tests compare it.
struct FileFacts {
  std::string bytes;
  mode_t mode = 0;  // permission bits

  bool operator==(const FileFacts&) const = default;
};

// Every regular file under `root` by its '/'-separated relative path,
// with its bytes and permission bits. Symbolic links are not followed.
inline std::map<std::string, FileFacts> tree_files(const std::filesystem::path& root) {
  std::map<std::string, FileFacts> files;
  if (!std::filesystem::exists(root)) {
    return files;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.is_symlink()) {
      continue;
    }
    struct stat info {};
    ::stat(entry.path().c_str(), &info);
    files[entry.path().lexically_relative(root).generic_string()] =
        FileFacts{read_file_bytes(entry.path()), info.st_mode & 07777};
  }
  return files;
}

inline std::ostream& operator<<(std::ostream& out, const FileFacts& facts) {
  return out << "{" << facts.bytes.size() << " bytes, mode 0" << std::oct << facts.mode << std::dec
             << "}";
}

}  // namespace revaer::test
