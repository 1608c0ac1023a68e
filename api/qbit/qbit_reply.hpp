#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/router.hpp"
#include "core/problem.hpp"

namespace revaer {

// Replies of the qBittorrent WebAPI v2 façade (/api/v2/*).
//
// Errors: qBittorrent 5.1 sends errors in plain text with a status, so
// for every request whose path starts with /api/v2/ the Dispatcher renders
// a Problem through make_qbit_problem_response() and not as Problem+JSON.
// Handlers return the usual Problems: 400 bad parameter, 404 for a
// single-hash endpoint whose torrent is not found ("Torrent not found"
// by convention, see qbit_torrent_not_found()), 409 conflict, 415 invalid
// torrent file. A 401 from authentication becomes 403 "Forbidden",
// because qBittorrent clients read 403 as "log in again" (and an
// unauthenticated 403 on app/webapiVersion as "API v2 present").

inline constexpr std::string_view kQbitPathPrefix = "/api/v2/";
inline constexpr std::string_view kQbitTextType = "text/plain; charset=UTF-8";

// True when `path` belongs to the WebAPI façade.
bool is_qbit_path(std::string_view path);

// A plain-text reply, such as "Ok." or "v5.1.4".
Reply qbit_text(std::string body, http::status status = http::status::ok);

// The reply of an action endpoint: 200 with an empty text body, as
// qBittorrent 5.1 sends (5.2 sends 204).
Reply qbit_ok();

// A JSON reply (application/json), such as a torrent list.
Reply qbit_json(nlohmann::json body);

// The 404 problem of a single-hash endpoint.
Problem qbit_torrent_not_found();

// The 409 problem of an endpoint that conflicts with the current state.
Problem qbit_conflict(std::string detail);

// The 415 problem of an invalid torrent file.
Problem qbit_unsupported_media_type(std::string detail);

// Renders `problem` as qBittorrent does: its detail as text/plain with its
// status; a 401 becomes 403 "Forbidden".
HttpResponse make_qbit_problem_response(const Problem& problem,
                                        const std::string& request_id);

}  // namespace revaer
