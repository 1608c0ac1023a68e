#include "fsops/fs_policy.hpp"

#include <grp.h>
#include <pwd.h>

#include <charconv>
#include <system_error>

#include "fsops/cleanup_rules.hpp"

namespace revaer {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<std::string> optional_text(const json& document, const char* key) {
  const auto it = document.find(key);
  if (it == document.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

template <typename T>
T value_or(const json& document, const char* key, T fallback) {
  const auto it = document.find(key);
  if (it == document.end() || it->is_null()) {
    return fallback;
  }
  return it->get<T>();
}

json text_or_null(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

Problem invalid_field(const std::string& field, const std::string& message) {
  return Problem::unprocessable("fs_policy." + field + " " + message,
                                {{"/fs_policy/" + field, message}});
}

// Parses 1-4 octal digits; returns nullopt for anything else.
std::optional<mode_t> parse_octal_mode(const std::string& text) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("01234567") != std::string::npos) {
    return std::nullopt;
  }
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value, 8);
  return static_cast<mode_t>(value);
}

// Parses a non-negative decimal id; returns nullopt unless all digits.
std::optional<unsigned long> parse_numeric_id(const std::string& text) {
  unsigned long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<uid_t> lookup_uid(const std::string& owner) {
  if (const auto id = parse_numeric_id(owner)) {
    return static_cast<uid_t>(*id);
  }
  passwd entry{};
  passwd* found = nullptr;
  std::string buffer(16384, '\0');
  if (::getpwnam_r(owner.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return std::nullopt;
  }
  return found->pw_uid;
}

std::optional<gid_t> lookup_gid(const std::string& group) {
  if (const auto id = parse_numeric_id(group)) {
    return static_cast<gid_t>(*id);
  }
  struct group entry {};
  struct group* found = nullptr;
  std::string buffer(16384, '\0');
  if (::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return std::nullopt;
  }
  return found->gr_gid;
}

// Parses an optional mode field into `out`; returns a problem on failure.
std::optional<Problem> resolve_mode(const std::optional<std::string>& text, const char* field,
                                    std::optional<mode_t>& out) {
  if (!text) {
    return std::nullopt;
  }
  out = parse_octal_mode(*text);
  if (!out) {
    return invalid_field(field, "must be 1-4 octal digits such as \"0644\", got '" + *text + "'");
  }
  return std::nullopt;
}

std::optional<Problem> resolve_owner(const FsPolicyView& policy, ResolvedFsPolicy& resolved) {
  if (policy.owner) {
    resolved.uid = lookup_uid(*policy.owner);
    if (!resolved.uid) {
      return invalid_field("owner", "names no user on this system: '" + *policy.owner + "'");
    }
  }
  if (policy.group) {
    resolved.gid = lookup_gid(*policy.group);
    if (!resolved.gid) {
      return invalid_field("group", "names no group on this system: '" + *policy.group + "'");
    }
  }
  return std::nullopt;
}

std::optional<Problem> resolve_globs(const FsPolicyView& policy, ResolvedFsPolicy& resolved) {
  std::string unknown;
  if (!expand_cleanup_presets(policy.cleanup_keep, resolved.keep_globs, unknown)) {
    return invalid_field("cleanup_keep", "names an unknown preset '" + unknown +
                                             "'; the known preset is @skip_fluff");
  }
  if (!expand_cleanup_presets(policy.cleanup_drop, resolved.drop_globs, unknown)) {
    return invalid_field("cleanup_drop", "names an unknown preset '" + unknown +
                                             "'; the known preset is @skip_fluff");
  }
  return std::nullopt;
}

std::optional<Problem> check_choices(const FsPolicyView& policy) {
  if (!policy.library_root.is_absolute()) {
    return invalid_field("library_root",
                         "must be an absolute path, got '" + policy.library_root.string() + "'");
  }
  if (policy.move_mode != "copy" && policy.move_mode != "move" && policy.move_mode != "hardlink") {
    return invalid_field("move_mode",
                         "must be copy, move or hardlink, got '" + policy.move_mode + "'");
  }
  if (policy.par2 != "disabled" && policy.par2 != "verify" && policy.par2 != "repair") {
    return invalid_field("par2", "must be disabled, verify or repair, got '" + policy.par2 + "'");
  }
  if (policy.flatten && policy.move_mode == "move") {
    return invalid_field("flatten",
                         "cannot be true with move_mode 'move': a moved torrent keeps seeding, so "
                         "its files keep their paths; turn flatten off or use copy or hardlink");
  }
  for (const fs::path& allowed : policy.allow_paths) {
    if (!allowed.is_absolute()) {
      return invalid_field("allow_paths",
                           "must hold absolute paths, got '" + allowed.string() + "'");
    }
  }
  return std::nullopt;
}

}  // namespace

FsPolicyView fs_policy_from_json(const json& document) {
  FsPolicyView policy;
  policy.library_root = value_or<std::string>(document, "library_root", "");
  policy.move_mode = value_or<std::string>(document, "move_mode", "hardlink");
  policy.extract = value_or(document, "extract", false);
  policy.par2 = value_or<std::string>(document, "par2", "disabled");
  policy.flatten = value_or(document, "flatten", false);
  policy.cleanup_keep = value_or(document, "cleanup_keep", std::vector<std::string>{});
  policy.cleanup_drop = value_or(document, "cleanup_drop", std::vector<std::string>{});
  policy.chmod_file = optional_text(document, "chmod_file");
  policy.chmod_dir = optional_text(document, "chmod_dir");
  policy.owner = optional_text(document, "owner");
  policy.group = optional_text(document, "group");
  policy.umask = optional_text(document, "umask");
  for (const std::string& path : value_or(document, "allow_paths", std::vector<std::string>{})) {
    policy.allow_paths.emplace_back(path);
  }
  return policy;
}

json to_json(const FsPolicyView& policy) {
  json allow = json::array();
  for (const fs::path& path : policy.allow_paths) {
    allow.push_back(path.string());
  }
  return {{"library_root", policy.library_root.string()},
          {"move_mode", policy.move_mode},
          {"extract", policy.extract},
          {"par2", policy.par2},
          {"flatten", policy.flatten},
          {"cleanup_keep", policy.cleanup_keep},
          {"cleanup_drop", policy.cleanup_drop},
          {"chmod_file", text_or_null(policy.chmod_file)},
          {"chmod_dir", text_or_null(policy.chmod_dir)},
          {"owner", text_or_null(policy.owner)},
          {"group", text_or_null(policy.group)},
          {"umask", text_or_null(policy.umask)},
          {"allow_paths", allow}};
}

Result<ResolvedFsPolicy> resolve_fs_policy(const FsPolicyView& policy) {
  ResolvedFsPolicy resolved;
  std::optional<Problem> problem = check_choices(policy);
  if (!problem) {
    problem = resolve_mode(policy.chmod_file, "chmod_file", resolved.file_mode);
  }
  if (!problem) {
    problem = resolve_mode(policy.chmod_dir, "chmod_dir", resolved.dir_mode);
  }
  if (!problem) {
    problem = resolve_mode(policy.umask, "umask", resolved.umask);
  }
  if (!problem) {
    problem = resolve_owner(policy, resolved);
  }
  if (!problem) {
    problem = resolve_globs(policy, resolved);
  }
  if (problem) {
    return *problem;
  }
  return resolved;
}

bool path_is_within(const fs::path& path, const fs::path& root) {
  std::error_code path_error;
  std::error_code root_error;
  const fs::path full = fs::weakly_canonical(fs::absolute(path), path_error);
  const fs::path base = fs::weakly_canonical(fs::absolute(root), root_error);
  if (path_error || root_error) {
    return false;
  }
  auto full_it = full.begin();
  for (auto base_it = base.begin(); base_it != base.end(); ++base_it) {
    if (base_it->empty() && std::next(base_it) == base.end()) {
      break;  // a trailing separator of `root`
    }
    if (full_it == full.end() || *full_it != *base_it) {
      return false;
    }
    ++full_it;
  }
  return true;
}

}  // namespace revaer
