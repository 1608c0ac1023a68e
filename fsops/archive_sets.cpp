#include "fsops/archive_sets.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>

namespace revaer {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_single_archive(const std::string& name) {
  static const char* const kSuffixes[] = {
      ".zip",  ".7z",  ".tar",    ".tar.gz", ".tgz", ".tar.bz2",
      ".tbz2", ".tbz", ".tar.xz", ".txz",    ".rar",
  };
  for (const char* suffix : kSuffixes) {
    if (ends_with(name, suffix)) {
      return true;
    }
  }
  return false;
}

// A volume of a multi-volume set: the key names the set, `order` sorts
// the volumes, and the first volume has order 0.
struct Volume {
  std::string key;
  long order = 0;
};

std::optional<Volume> classify_volume(const std::string& path) {
  static const std::regex kRarPart(R"((.*)\.part0*([0-9]+)\.rar)");
  static const std::regex kRarOld(R"((.*)\.r([0-9]{2,3}))");
  static const std::regex kSplit(
      R"((.*\.(7z|zip|tar|tar\.gz|tgz|tar\.bz2|tar\.xz|rar))\.0*([0-9]+))");
  const std::string name = lower(path);
  std::smatch match;
  if (std::regex_match(name, match, kRarPart)) {
    return Volume{"rar-part:" + match[1].str(), std::stol(match[2].str()) - 1};
  }
  if (std::regex_match(name, match, kRarOld)) {
    return Volume{"rar-old:" + match[1].str(), std::stol(match[2].str()) + 1};
  }
  if (ends_with(name, ".rar")) {
    return Volume{"rar-old:" + name.substr(0, name.size() - 4), 0};
  }
  if (std::regex_match(name, match, kSplit)) {
    return Volume{"split:" + match[1].str(), std::stol(match[3].str()) - 1};
  }
  return std::nullopt;
}

}  // namespace

std::vector<ArchiveSet> find_archive_sets(const std::vector<std::string>& relative_files) {
  std::map<std::string, std::map<long, std::string>> volume_sets;
  std::vector<ArchiveSet> sets;
  for (const std::string& path : relative_files) {
    if (const auto volume = classify_volume(path)) {
      volume_sets[volume->key][volume->order] = path;
    } else if (is_single_archive(lower(path))) {
      sets.push_back(ArchiveSet{{path}});
    }
  }
  for (const auto& [key, volumes] : volume_sets) {
    if (volumes.begin()->first != 0) {
      continue;  // the first volume is missing, so the set cannot be read
    }
    ArchiveSet set;
    for (const auto& [order, path] : volumes) {
      set.volumes.push_back(path);
    }
    sets.push_back(std::move(set));
  }
  std::sort(sets.begin(), sets.end(), [](const ArchiveSet& a, const ArchiveSet& b) {
    return a.volumes.front() < b.volumes.front();
  });
  return sets;
}

}  // namespace revaer
