#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace revaer {

// The fs_policy values one post-processing run uses, read when it starts.
// Modes are octal strings such as "0644"; owner and group are names or
// numeric ids.
struct FsPolicyView {
  std::filesystem::path library_root;
  std::string move_mode = "hardlink";  // copy|move|hardlink
  bool extract = false;
  std::string par2 = "disabled";  // disabled|verify|repair
  bool flatten = false;
  std::vector<std::string> cleanup_keep;
  std::vector<std::string> cleanup_drop;
  std::optional<std::string> chmod_file;
  std::optional<std::string> chmod_dir;
  std::optional<std::string> owner;
  std::optional<std::string> group;
  std::optional<std::string> umask;
  std::vector<std::filesystem::path> allow_paths;
};

// Reads an fs_policy document. Missing or null members keep their
// defaults; values of the wrong type throw nlohmann::json::exception.
FsPolicyView fs_policy_from_json(const nlohmann::json& document);

nlohmann::json to_json(const FsPolicyView& policy);

// The policy after validation: modes parsed, owner and group resolved to
// ids, cleanup presets expanded into globs.
struct ResolvedFsPolicy {
  std::optional<mode_t> file_mode;
  std::optional<mode_t> dir_mode;
  std::optional<mode_t> umask;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::vector<std::string> keep_globs;
  std::vector<std::string> drop_globs;
};

// Validates `policy` and resolves its names. Each problem (422) names one
// field. The checks: library_root and allow paths absolute, move_mode and
// par2 known values, flatten off with move_mode "move", modes of 1-4
// octal digits, owner and group known to this system, cleanup presets
// known.
Result<ResolvedFsPolicy> resolve_fs_policy(const FsPolicyView& policy);

// Returns true when `path`, made absolute and normalised with symbolic
// links resolved as far as they exist, is `root` or lies inside it.
bool path_is_within(const std::filesystem::path& path, const std::filesystem::path& root);

}  // namespace revaer
