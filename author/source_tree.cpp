#include "author/source_tree.hpp"

#include <algorithm>
#include <string_view>
#include <system_error>

namespace revaer {
namespace {

namespace fs = std::filesystem;

Problem invalid_path(const fs::path& path, const std::string& message) {
  return Problem::unprocessable("invalid path '" + path.string() + "'",
                                {{"/path", message}});
}

Problem unreadable(const fs::path& path, const std::error_code& error) {
  return Problem::unprocessable(
      "could not read '" + path.string() + "': " + error.message(),
      {{"/path", "must be readable by the daemon"}});
}

Problem too_many_files(const fs::path& path, const AuthorLimits& limits) {
  return invalid_path(path, "must contain at most " +
                                std::to_string(limits.max_files) +
                                " files, symbolic links and special files");
}

Problem too_large(const fs::path& path, const AuthorLimits& limits) {
  return invalid_path(path, "must hold at most " +
                                std::to_string(limits.max_total_bytes) +
                                " bytes");
}

// True for well-formed UTF-8 without overlong forms or surrogates. Metainfo
// stores names as UTF-8, and libtorrent rewrites other bytes when it loads
// a torrent, so a seeded torrent would look for files that do not exist.
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2
                         : lead >= 0xe0 && lead < 0xf0                 ? 3
                         : lead >= 0xf0 && lead < 0xf5                 ? 4
                                                                       : 0;
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    std::uint32_t code = length == 1 ? lead : lead & (0xff >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3f);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    if (overlong || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
      return false;
    }
    i += length;
  }
  return true;
}

// Adds one regular file, or returns the problem when a limit is exceeded.
std::optional<Problem> add_file(SourceTree& tree, const fs::path& path,
                                 const fs::path& root,
                                 const AuthorLimits& limits) {
  std::error_code error;
  const std::uintmax_t size = fs::file_size(path, error);
  if (error) {
    return unreadable(path, error);
  }
  const fs::path relative = path.lexically_relative(tree.parent);
  if (size > limits.max_total_bytes - tree.total_bytes) {
    return too_large(root, limits);
  }
  tree.total_bytes += size;
  tree.files.push_back({relative, size});
  return std::nullopt;
}

// Walks the folder `root` without following symbolic links. Links and
// special files go to tree.skipped.
std::optional<Problem> scan_folder(SourceTree& tree, const fs::path& root,
                                   const AuthorLimits& limits) {
  std::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::none,
                                      error);
  std::size_t entries = 0;
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::path& path = it->path();
    // Checked first, so no message or list below carries bytes that JSON
    // cannot hold.
    if (!is_utf8(path.lexically_relative(root).string())) {
      return invalid_path(root, "must contain only file and folder names in UTF-8");
    }
    const fs::file_status status = it->symlink_status(error);
    if (error) {
      return unreadable(path, error);
    }
    if (fs::is_directory(status)) {
      continue;
    }
    if (++entries > limits.max_files) {
      return too_many_files(root, limits);
    }
    if (!fs::is_regular_file(status)) {
      tree.skipped.push_back(path.lexically_relative(root).generic_string());
      continue;
    }
    if (auto problem = add_file(tree, path, root, limits)) {
      return problem;
    }
  }
  if (error) {
    return unreadable(root, error);
  }
  return std::nullopt;
}

}  // namespace

Result<SourceTree> scan_source_tree(const fs::path& path,
                                    const AuthorLimits& limits) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(path, error);
  if (status.type() == fs::file_type::not_found) {
    return invalid_path(path, "must exist");
  }
  if (error) {
    return unreadable(path, error);
  }
  if (fs::is_symlink(status)) {
    return invalid_path(path, "must not be a symbolic link");
  }

  SourceTree tree;
  tree.name = path.filename().string();
  tree.parent = path.parent_path();
  std::optional<Problem> problem;
  if (fs::is_directory(status)) {
    problem = scan_folder(tree, path, limits);
  } else if (fs::is_regular_file(status)) {
    problem = add_file(tree, path, path, limits);
  } else {
    return invalid_path(path, "must be a regular file or a folder");
  }
  if (problem) {
    return *problem;
  }

  if (tree.files.empty()) {
    return invalid_path(path, "must contain at least one regular file");
  }
  if (tree.total_bytes == 0) {
    return invalid_path(path, "must contain at least one byte of data");
  }
  // path::operator< compares component by component, so a folder's files
  // stay together whatever characters their names hold.
  std::sort(tree.files.begin(), tree.files.end(),
            [](const SourceFile& a, const SourceFile& b) {
              return a.relative_path < b.relative_path;
            });
  std::sort(tree.skipped.begin(), tree.skipped.end());
  return tree;
}

}  // namespace revaer
