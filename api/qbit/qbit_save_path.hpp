#pragma once

#include <string>
#include <string_view>

#include "config/config_service.hpp"

namespace revaer {

// Resolves a save path as qBittorrent clients send it (savepath, location,
// a category's savePath). Surrounding whitespace is trimmed. A relative
// path is taken relative to engine_profile.download_root, as qBittorrent
// takes it relative to its default save path. "." and ".." components are
// resolved lexically, and a trailing '/' is dropped. Returns an empty
// string for an empty or blank `path`. The caller checks the result, for
// example with move_target_error().
std::string resolve_qbit_save_path(std::string_view path, const ConfigSnapshot& snapshot);

}  // namespace revaer
