#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/router.hpp"
#include "core/result.hpp"
#include "core/torrent.hpp"

namespace revaer {

// Returns the {id} path parameter. Problems: 400 when it is not a UUID.
Result<std::string> torrent_id_param(const RequestContext& context);

// Returns the torrent named by the {id} path parameter. Problems: 400 when
// the id is not a UUID, 404 when no torrent has it.
Result<TorrentStatus> find_torrent(const RequestContext& context);

// Parses the request body as JSON; an empty body is an error. Problems:
// 400 for malformed JSON.
Result<nlohmann::json> json_body(const RequestContext& context);

// A 202 reply whose body is `body` plus {"id": id}.
Reply accepted(const std::string& id,
               nlohmann::json body = nlohmann::json::object());

}  // namespace revaer
