#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/torrent.hpp"

namespace revaer {

constexpr std::size_t kMaxMagnetLength = 8 * 1024;
constexpr std::size_t kMaxTags = 64;
// seed_time_limit is seconds held in an int by libtorrent.
constexpr std::int64_t kMaxSeedTimeLimit = 2'147'483'647;
constexpr double kMaxSeedRatioLimit = 1'000'000.0;

// Validates a POST /v1/torrents JSON body and decodes its base64 metainfo.
// Problems: 400 for metainfo that is not base64 (pointer /metainfo). 422,
// with one invalid_params entry per member, for a body that is not an
// object, unknown members, wrong types or ranges, invalid globs or tracker
// URLs, and an id that is not a UUID. 422 also when both or neither of
// magnet and metainfo are given, the magnet exceeds kMaxMagnetLength bytes,
// or check_metainfo rejects the metainfo.
Result<AddTorrentRequest> parse_add_torrent_request(
    const nlohmann::json& body, const std::string& request_id);

// Validates the `options` part of a multipart add, which contains the JSON
// body's members without magnet and metainfo, and takes `metainfo` as the
// raw bytes of the `torrent` part. A null `options` means no options.
// Problems are those of parse_add_torrent_request, with pointers below
// /options for the options and /torrent for the file.
Result<AddTorrentRequest> parse_upload_add_request(
    const nlohmann::json& options, std::string metainfo,
    const std::string& request_id);

}  // namespace revaer
