#pragma once

#include <optional>
#include <string>

#include "config/config_service.hpp"

namespace revaer {

// Checks the target folder of a move action and returns the reason it is
// rejected, or nullopt. The path must be absolute, lexically normal already
// (no ".", ".." or repeated '/') and free of control characters. It must be
// engine_profile.download_root or one of fs_policy.allow_paths in
// `snapshot`, or lie below one of them.
// NOTE: the check is lexical, so a symbolic link inside an allowed root
// that points elsewhere is followed by the move.
std::optional<std::string> move_target_error(const std::string& download_dir,
                                             const ConfigSnapshot& snapshot);

}  // namespace revaer
