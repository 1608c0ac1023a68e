#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace revaer {

constexpr std::size_t kMaxGlobLength = 1024;

// Checks a glob's syntax: `*` matches within one path component, `**`
// matches any run of components, `?` one character, `[abc]`, `[a-z]` and
// `[!abc]` one character of a class, and `\` escapes the next character.
// Returns a reason when the glob is empty, longer than kMaxGlobLength, has
// an unclosed class or ends in a lone `\`.
std::optional<std::string> glob_error(std::string_view glob);

// Returns true when `glob` matches `relative_path` ('/' separated, relative
// to the torrent or payload root). A glob containing '/' is matched against
// the whole path. Any other glob is matched against each path component, so
// "sample" matches every file inside a folder named "Sample". ASCII case is
// ignored, and a glob with a syntax error matches nothing.
bool path_glob_matches(std::string_view glob, std::string_view relative_path);

// True when `relative_path` lies inside a release-clutter folder (sample,
// samples, extras, proof, screens; any case), which skip_fluff leaves out.
bool is_fluff_path(std::string_view relative_path);

}  // namespace revaer
