#pragma once

#include <nlohmann/json.hpp>

#include "author/torrent_author.hpp"
#include "config/config_service.hpp"
#include "core/result.hpp"

namespace revaer {

// A validated POST /v1/torrents/create body.
struct CreateTorrentRequest {
  AuthorOptions options;
  bool seed = false;  // add the new torrent to the engine and seed it
};

// Validates a POST /v1/torrents/create body. Problems are 422, with one
// invalid_params entry per offending member. They cover a body that is not
// an object, unknown members and wrong types. They also cover a path that
// is not absolute and lexically normal, an unknown version, and a piece
// size that is not a power of two from 16 KiB to 64 MiB. Tracker URLs must
// be http, https or udp, web seeds http or https, and lists and texts must
// stay within their limits.
Result<CreateTorrentRequest> parse_create_torrent_request(
    const nlohmann::json& body);

// Checks that `path` lies below engine_profile.download_root or an
// fs_policy.allow_paths entry of `config`, both as written and with every
// symbolic link resolved, so a link inside a root cannot lead outside it.
// Problems: 422 with pointer /path when it lies outside or does not exist.
Status check_create_path(const std::filesystem::path& path,
                         const ConfigSnapshot& config);

}  // namespace revaer
