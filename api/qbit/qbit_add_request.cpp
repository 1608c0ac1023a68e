#include "api/qbit/qbit_add_request.hpp"

#include <algorithm>
#include <cctype>

#include "api/move_target.hpp"
#include "api/qbit/qbit_label_names.hpp"
#include "api/qbit/qbit_save_path.hpp"
#include "api/qbit/qbit_share_limits.hpp"

namespace revaer {
namespace {

using nlohmann::json;

bool all_of_chars(std::string_view text, int (*is_digit)(int)) {
  return std::all_of(text.begin(), text.end(),
                     [&](char c) { return is_digit(static_cast<unsigned char>(c)) != 0; });
}

int is_base32_digit(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

// An empty value counts as absent, as qBittorrent 5.1 reads it for add.
Result<std::optional<std::int64_t>> optional_integer(const QbitParams& params,
                                                     std::string_view name) {
  if (params.get(name).value_or("").empty()) return std::optional<std::int64_t>();
  return params.integer(name);
}

// Adds a rate limit when `value` is above 0; qBittorrent reads 0 and -1
// as unlimited.
Status add_rate(const QbitParams& params, std::string_view name, const char* member,
                json& options) {
  Result<std::optional<std::int64_t>> value = optional_integer(params, name);
  if (!value) return value.problem();
  if (value.value() && *value.value() > 0) options[member] = *value.value();
  return Done{};
}

Status add_share_limits(const QbitParams& params, json& options) {
  Result<std::optional<double>> ratio = params.get("ratioLimit").value_or("").empty()
                                            ? std::optional<double>()
                                            : params.number("ratioLimit");
  if (!ratio) return ratio.problem();
  Result<std::optional<std::int64_t>> minutes = optional_integer(params, "seedingTimeLimit");
  if (!minutes) return minutes.problem();
  TorrentSettingsChange change;
  if (ratio.value()) add_qbit_ratio_limit(*ratio.value(), change);
  if (minutes.value()) add_qbit_seeding_time_limit(*minutes.value(), change);
  if (change.seed_ratio_limit) options["seed_ratio_limit"] = *change.seed_ratio_limit;
  if (change.seed_time_limit_secs) options["seed_time_limit"] = *change.seed_time_limit_secs;
  return Done{};
}

bool is_inside(const std::string& path, const std::string& root) {
  if (root.empty()) return false;
  const std::string prefix = root.back() == '/' ? root : root + "/";
  return path == root || path.rfind(prefix, 0) == 0;
}

// Sets download_dir from savepath, or from the category's save path. A
// category's save path outside download_root becomes `move_to` while it
// lies inside fs_policy.allow_paths, and is ignored otherwise.
void add_download_dir(const QbitParams& params, const ConfigSnapshot& snapshot,
                      const std::map<std::string, std::string>& categories, QbitAddOptions& add) {
  const std::string save_path =
      resolve_qbit_save_path(params.get("savepath").value_or(""), snapshot);
  if (!save_path.empty()) {
    add.options["download_dir"] = save_path;
    return;
  }
  if (!add.category) return;
  const auto found = categories.find(*add.category);
  if (found == categories.end() || found->second.empty()) return;
  const std::string root =
      resolve_qbit_save_path(snapshot.engine_profile.value("download_root", ""), snapshot);
  if (is_inside(found->second, root)) {
    add.options["download_dir"] = found->second;
  } else if (!move_target_error(found->second, snapshot)) {
    // The allowed roots may have changed since the category was created.
    add.move_to = found->second;
  }
}

}  // namespace

Result<QbitAddOptions> parse_qbit_add_options(
    const QbitParams& params, const ConfigSnapshot& snapshot,
    const std::map<std::string, std::string>& categories) {
  QbitAddOptions add;
  json& options = add.options;

  const std::string category = params.get("category").value_or("");
  if (!category.empty()) {
    if (auto error = qbit_category_name_error(category)) {
      return Problem::bad_request("Invalid category '" + printable_label(category) + "': " +
                                  *error);
    }
    add.category = category;
    options["category"] = category;
  }
  Result<std::vector<std::string>> tags = parse_qbit_tags(params.get("tags").value_or(""));
  if (!tags) return tags.problem();
  add.tags = tags.value();
  if (!add.tags.empty()) options["tags"] = add.tags;

  add_download_dir(params, snapshot, categories, add);
  const std::string name = trim_ascii_whitespace(params.get("rename").value_or(""));
  if (!name.empty()) options["name"] = name;
  if (params.flag("paused", false) || params.flag("stopped", false)) {
    options["start_paused"] = true;
  }
  if (params.flag("sequentialDownload", false)) options["sequential"] = true;

  if (Status rate = add_rate(params, "upLimit", "max_upload_bps", options); !rate) {
    return rate.problem();
  }
  if (Status rate = add_rate(params, "dlLimit", "max_download_bps", options); !rate) {
    return rate.problem();
  }
  if (Status limits = add_share_limits(params, options); !limits) return limits.problem();
  return add;
}

std::optional<std::string> qbit_url_to_magnet(std::string_view line) {
  const std::string text = trim_ascii_whitespace(line);
  std::string prefix = text.substr(0, 7);
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (prefix == "magnet:") return text;
  if ((text.size() == 40 && all_of_chars(text, isxdigit)) ||
      (text.size() == 32 && all_of_chars(text, is_base32_digit))) {
    return "magnet:?xt=urn:btih:" + text;
  }
  if (text.size() == 64 && all_of_chars(text, isxdigit)) {
    return "magnet:?xt=urn:btmh:1220" + text;
  }
  return std::nullopt;
}

}  // namespace revaer
