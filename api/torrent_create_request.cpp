#include "api/torrent_create_request.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <system_error>
#include <vector>

namespace revaer {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kMaxPathBytes = 4096;
constexpr std::size_t kMaxUrlBytes = 1024;
constexpr std::size_t kMaxTrackerTiers = 32;
constexpr std::size_t kMaxTrackerUrls = 128;  // over all tiers
constexpr std::size_t kMaxWebSeeds = 64;
constexpr std::size_t kMaxCommentBytes = 4096;
constexpr std::size_t kMaxSourceBytes = 256;

constexpr std::array<std::string_view, 9> kCreateMembers = {
    "path",      "version", "piece_size", "private", "trackers",
    "web_seeds", "comment", "source",     "seed",
};

bool has_prefix(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_web_url(std::string_view url) {
  return has_prefix(url, "http://") || has_prefix(url, "https://");
}

bool is_tracker_url(std::string_view url) {
  return is_web_url(url) || has_prefix(url, "udp://");
}

// Reads the members of one body, collecting an invalid_params entry for
// each offending one.
class CreateBodyReader {
 public:
  explicit CreateBodyReader(const json& body) : body_(body) {}

  const json* find(const std::string& name) const {
    auto it = body_.find(name);
    return it == body_.end() || it->is_null() ? nullptr : &*it;
  }

  std::string text(const std::string& name, std::size_t max_bytes) {
    const json* value = find(name);
    if (value == nullptr) {
      return {};
    }
    if (!value->is_string() || value->get_ref<const std::string&>().size() > max_bytes) {
      reject("/" + name, "must be a string of at most " +
                             std::to_string(max_bytes) + " bytes");
      return {};
    }
    return value->get<std::string>();
  }

  bool flag(const std::string& name) {
    const json* value = find(name);
    if (value != nullptr && !value->is_boolean()) {
      reject("/" + name, "must be a boolean");
      return false;
    }
    return value != nullptr && value->get<bool>();
  }

  void reject(std::string pointer, std::string message) {
    params_.push_back({std::move(pointer), std::move(message)});
  }

  void reject_unknown() {
    for (const auto& [name, value] : body_.items()) {
      if (std::find(kCreateMembers.begin(), kCreateMembers.end(), name) ==
          kCreateMembers.end()) {
        reject("/" + name, "is not a supported member");
      }
    }
  }

  std::vector<InvalidParam>& params() { return params_; }

 private:
  const json& body_;
  std::vector<InvalidParam> params_;
};

void read_path(CreateBodyReader& reader, AuthorOptions& options) {
  if (reader.find("path") == nullptr) {
    reader.reject("/path", "is required");
    return;
  }
  const std::string text = reader.text("path", kMaxPathBytes);
  const fs::path path(text);
  if (text.empty() || text.find('\0') != std::string::npos ||
      !path.is_absolute() || !path.has_filename() ||
      path != path.lexically_normal()) {
    reader.reject("/path",
                  "must be an absolute path without '.', '..', repeated or "
                  "trailing slashes");
    return;
  }
  options.path = path;
}

void read_version(CreateBodyReader& reader, AuthorOptions& options) {
  if (reader.find("version") == nullptr) {
    return;
  }
  const std::string version = reader.text("version", 16);
  if (version == "v1") {
    options.version = TorrentVersion::v1;
  } else if (version == "v2") {
    options.version = TorrentVersion::v2;
  } else if (version == "hybrid") {
    options.version = TorrentVersion::hybrid;
  } else {
    reader.reject("/version", "must be \"v1\", \"v2\" or \"hybrid\"");
  }
}

void read_piece_size(CreateBodyReader& reader, AuthorOptions& options) {
  const json* value = reader.find("piece_size");
  if (value == nullptr) {
    return;
  }
  if (!value->is_number_integer() ||
      !is_valid_piece_size(value->get<std::int64_t>())) {
    reader.reject("/piece_size",
                  "must be a power of two from 16384 (16 KiB) to 67108864 "
                  "(64 MiB)");
    return;
  }
  options.piece_size = value->get<std::int64_t>();
}

void read_trackers(CreateBodyReader& reader, AuthorOptions& options) {
  const json* tiers = reader.find("trackers");
  if (tiers == nullptr) {
    return;
  }
  if (!tiers->is_array() || tiers->size() > kMaxTrackerTiers) {
    reader.reject("/trackers", "must be an array of at most " +
                                   std::to_string(kMaxTrackerTiers) +
                                   " tiers, each an array of URLs");
    return;
  }
  std::size_t url_count = 0;
  for (std::size_t t = 0; t < tiers->size(); ++t) {
    const json& tier = (*tiers)[t];
    const std::string pointer = "/trackers/" + std::to_string(t);
    if (!tier.is_array() || tier.empty()) {
      reader.reject(pointer, "must be a non-empty array of URLs");
      continue;
    }
    std::vector<std::string> urls;
    for (std::size_t u = 0; u < tier.size(); ++u) {
      const json& url = tier[u];
      if (!url.is_string() || url.get_ref<const std::string&>().size() > kMaxUrlBytes ||
          !is_tracker_url(url.get_ref<const std::string&>())) {
        reader.reject(pointer + "/" + std::to_string(u),
                      "must be an http, https or udp URL of at most " +
                          std::to_string(kMaxUrlBytes) + " bytes");
        continue;
      }
      urls.push_back(url.get<std::string>());
    }
    url_count += urls.size();
    options.tracker_tiers.push_back(std::move(urls));
  }
  if (url_count > kMaxTrackerUrls) {
    reader.reject("/trackers", "must list at most " +
                                   std::to_string(kMaxTrackerUrls) + " URLs");
  }
}

void read_web_seeds(CreateBodyReader& reader, AuthorOptions& options) {
  const json* seeds = reader.find("web_seeds");
  if (seeds == nullptr) {
    return;
  }
  if (!seeds->is_array() || seeds->size() > kMaxWebSeeds) {
    reader.reject("/web_seeds", "must be an array of at most " +
                                    std::to_string(kMaxWebSeeds) + " URLs");
    return;
  }
  for (std::size_t i = 0; i < seeds->size(); ++i) {
    const json& url = (*seeds)[i];
    if (!url.is_string() || url.get_ref<const std::string&>().size() > kMaxUrlBytes ||
        !is_web_url(url.get_ref<const std::string&>())) {
      reader.reject("/web_seeds/" + std::to_string(i),
                    "must be an http or https URL of at most " +
                        std::to_string(kMaxUrlBytes) + " bytes");
      continue;
    }
    options.web_seeds.push_back(url.get<std::string>());
  }
}

// True when `path` lies strictly below `root`, comparing lexically normal
// paths component by component.
bool lies_below(const fs::path& path, const fs::path& root) {
  fs::path normal_root = root.lexically_normal();
  if (!normal_root.has_filename()) {
    normal_root = normal_root.parent_path();  // "/data/" -> "/data"
  }
  if (!normal_root.is_absolute()) {
    return false;
  }
  auto [root_end, path_rest] =
      std::mismatch(normal_root.begin(), normal_root.end(), path.begin(), path.end());
  return root_end == normal_root.end() && path_rest != path.end();
}

std::vector<fs::path> allowed_roots(const ConfigSnapshot& config) {
  std::vector<fs::path> roots;
  const json& root = config.engine_profile.value("download_root", json());
  if (root.is_string()) {
    roots.emplace_back(root.get<std::string>());
  }
  const json& allow = config.fs_policy.value("allow_paths", json::array());
  for (const json& entry : allow) {
    if (entry.is_string()) {
      roots.emplace_back(entry.get<std::string>());
    }
  }
  return roots;
}

// True when the target of `path`, with every symbolic link resolved, lies
// below one of `roots`, also resolved.
bool resolves_below(const fs::path& path, const std::vector<fs::path>& roots) {
  std::error_code error;
  const fs::path real_path = fs::canonical(path, error);
  if (error) {
    return false;
  }
  return std::any_of(roots.begin(), roots.end(), [&](const fs::path& root) {
    std::error_code root_error;
    const fs::path real_root = fs::canonical(root, root_error);
    return !root_error && lies_below(real_path, real_root);
  });
}

Problem outside_roots(const fs::path& path, const std::string& message) {
  return Problem::unprocessable("invalid path '" + path.string() + "'",
                                {{"/path", message}});
}

}  // namespace

Result<CreateTorrentRequest> parse_create_torrent_request(const json& body) {
  if (!body.is_object()) {
    return Problem::unprocessable("The request body must be a JSON object.",
                                  {{"", "must be an object"}});
  }
  CreateBodyReader reader(body);
  reader.reject_unknown();

  CreateTorrentRequest request;
  AuthorOptions& options = request.options;
  read_path(reader, options);
  read_version(reader, options);
  read_piece_size(reader, options);
  options.is_private = reader.flag("private");
  read_trackers(reader, options);
  read_web_seeds(reader, options);
  options.comment = reader.text("comment", kMaxCommentBytes);
  options.source = reader.text("source", kMaxSourceBytes);
  request.seed = reader.flag("seed");

  if (!reader.params().empty()) {
    return Problem::unprocessable("The torrent cannot be created from this request.",
                                  std::move(reader.params()));
  }
  return request;
}

Status check_create_path(const fs::path& path, const ConfigSnapshot& config) {
  const std::vector<fs::path> roots = allowed_roots(config);
  const std::string where =
      "must lie inside engine_profile.download_root or an fs_policy.allow_paths entry";
  const bool listed = std::any_of(roots.begin(), roots.end(), [&](const fs::path& root) {
    return lies_below(path, root);
  });
  if (!listed) {
    return outside_roots(path, where);
  }

  std::error_code error;
  if (fs::symlink_status(path, error).type() == fs::file_type::not_found) {
    return outside_roots(path, "must exist");
  }
  if (!resolves_below(path, roots)) {
    return outside_roots(path, where + ", also with symbolic links resolved");
  }
  return Done{};
}

}  // namespace revaer
