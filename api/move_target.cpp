#include "api/move_target.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace revaer {
namespace {

namespace fs = std::filesystem;

bool has_control_character(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

// Returns true when `dir` is `root` or lies below it, component by
// component. Both are lexically normal; a trailing '/' adds an empty last
// component, which is skipped.
bool is_within(const fs::path& dir, const fs::path& root) {
  auto dir_part = dir.begin();
  for (const fs::path& root_part : root) {
    if (root_part.empty()) {
      continue;
    }
    while (dir_part != dir.end() && dir_part->empty()) {
      ++dir_part;
    }
    if (dir_part == dir.end() || *dir_part != root_part) {
      return false;
    }
    ++dir_part;
  }
  return true;
}

std::vector<std::string> allowed_roots(const ConfigSnapshot& snapshot) {
  std::vector<std::string> roots;
  auto root = snapshot.engine_profile.find("download_root");
  if (root != snapshot.engine_profile.end() && root->is_string()) {
    roots.push_back(root->get<std::string>());
  }
  auto allow = snapshot.fs_policy.find("allow_paths");
  if (allow != snapshot.fs_policy.end() && allow->is_array()) {
    for (const auto& path : *allow) {
      if (path.is_string()) {
        roots.push_back(path.get<std::string>());
      }
    }
  }
  return roots;
}

}  // namespace

std::optional<std::string> move_target_error(const std::string& download_dir,
                                             const ConfigSnapshot& snapshot) {
  const fs::path dir(download_dir);
  if (download_dir.empty() || !dir.is_absolute()) {
    return "must be an absolute path";
  }
  if (has_control_character(download_dir)) {
    return "must not contain control characters";
  }
  if (dir.lexically_normal().string() != download_dir) {
    return "must be a normalised path without '.', '..' or repeated '/'";
  }

  std::vector<std::string> roots = allowed_roots(snapshot);
  for (const std::string& root : roots) {
    if (is_within(dir, fs::path(root).lexically_normal())) {
      return std::nullopt;
    }
  }
  std::string listed;
  for (const std::string& root : roots) {
    listed += (listed.empty() ? "" : ", ") + root;
  }
  return "must be inside engine_profile.download_root or an "
         "fs_policy.allow_paths entry (" +
         listed + ")";
}

}  // namespace revaer
