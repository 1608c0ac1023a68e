#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/torrent.hpp"

namespace revaer {

constexpr std::size_t kMaxMagnetLength = 8 * 1024;
constexpr std::size_t kMaxTags = 64;
constexpr std::size_t kMaxTextField = 1024;

// Validates a POST /v1/torrents body and decodes its base64 metainfo.
// Problems: 400 for metainfo that is not base64 (pointer /metainfo). 422
// for a body that is not an object, unknown members, wrong types, both or
// neither of magnet and metainfo, a magnet over kMaxMagnetLength bytes, or
// an id that is not a UUID, with one invalid_params entry per member.
Result<AddTorrentRequest> parse_add_torrent_request(
    const nlohmann::json& body, const std::string& request_id);

// The action of POST /v1/torrents/{id}/action.
struct TorrentAction {
  std::string type;  // pause|resume|remove
  bool delete_data = false;
};

// Validates an action body. Problems: 422 with pointers for an unknown
// type, wrong types or unknown members.
Result<TorrentAction> parse_torrent_action(const nlohmann::json& body);

}  // namespace revaer
