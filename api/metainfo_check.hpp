#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/problem.hpp"

namespace revaer {

// Lists and dictionaries nested deeper than this make a .torrent invalid.
// Real metainfo needs about 4 levels for v1 and one per folder in a v2
// file tree.
constexpr int kMaxBencodeDepth = 64;

// Checks untrusted .torrent bytes before the engine parses them, and
// returns a 422 problem with one invalid_params entry at `pointer` for the
// first fault, or nullopt. The bytes must be one bencoded dictionary with an
// "info" dictionary, nothing after it, and no nesting deeper than
// kMaxBencodeDepth. No file path may leave the download folder, so every
// component of info.name, info.files[].path and the v2 file tree must be
// non-empty, not "." or "..", and free of '/' and NUL. The engine checks the
// rest of the metainfo.
std::optional<Problem> check_metainfo(std::string_view bytes,
                                      const std::string& pointer);

}  // namespace revaer
