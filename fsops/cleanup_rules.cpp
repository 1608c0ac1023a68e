#include "fsops/cleanup_rules.hpp"

#include "core/path_glob.hpp"

namespace revaer {

const std::vector<std::string>& skip_fluff_globs() {
  static const std::vector<std::string> globs = {
      "sample", "samples", "sample.*", "*.sample.*", "*-sample.*", "*_sample.*", "*.nfo",
      "*.txt",  "*.url",   "thumbs",   "thumbs.db",  "*.thumb.*",  ".ds_store",
  };
  return globs;
}

bool expand_cleanup_presets(const std::vector<std::string>& globs,
                            std::vector<std::string>& expanded, std::string& unknown) {
  for (const std::string& glob : globs) {
    if (glob == kSkipFluffPreset) {
      const auto& fluff = skip_fluff_globs();
      expanded.insert(expanded.end(), fluff.begin(), fluff.end());
    } else if (!glob.empty() && glob.front() == '@') {
      unknown = glob;
      return false;
    } else {
      expanded.push_back(glob);
    }
  }
  return true;
}

bool glob_matches(const std::string& glob, const std::string& relative_path) {
  return path_glob_matches(glob, relative_path);
}

namespace {

bool any_matches(const std::vector<std::string>& globs, const std::string& relative_path) {
  for (const std::string& glob : globs) {
    if (glob_matches(glob, relative_path)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool cleanup_removes(const std::vector<std::string>& keep_globs,
                     const std::vector<std::string>& drop_globs, const std::string& relative_path) {
  if (any_matches(keep_globs, relative_path)) {
    return false;
  }
  if (any_matches(drop_globs, relative_path)) {
    return true;
  }
  return !keep_globs.empty();
}

}  // namespace revaer
