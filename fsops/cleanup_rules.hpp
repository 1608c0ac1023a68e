#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace revaer {

// The name of the cleanup preset that stands for kSkipFluffGlobs.
inline constexpr std::string_view kSkipFluffPreset = "@skip_fluff";

// Release clutter that `@skip_fluff` drops: sample clips and folders,
// .nfo, .txt and .url files, and thumbnail caches.
const std::vector<std::string>& skip_fluff_globs();

// Replaces each preset name in `globs` with the globs it stands for.
// Returns false and sets `unknown` when an entry starts with '@' but is
// no known preset.
bool expand_cleanup_presets(const std::vector<std::string>& globs,
                            std::vector<std::string>& expanded, std::string& unknown);

// Returns true when `glob` matches the file at `relative_path` (relative
// to the payload root), with the rules of path_glob_matches.
bool glob_matches(const std::string& glob, const std::string& relative_path);

// Returns true when cleanup removes the file. A file matching a keep glob
// stays. Otherwise a file matching a drop glob is removed. Otherwise, when
// keep globs exist, the file is removed because it matched none of them.
bool cleanup_removes(const std::vector<std::string>& keep_globs,
                     const std::vector<std::string>& drop_globs, const std::string& relative_path);

}  // namespace revaer
