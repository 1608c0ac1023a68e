#pragma once

#include <vector>

#include "api/router.hpp"

namespace revaer {

// Every route of the qBittorrent WebAPI v2 façade under /api/v2. Read
// routes accept GET and POST, because Flood reads with POST form bodies;
// mutating routes accept POST only. docs/qbittorrent.md lists them.
std::vector<Route> qbit_routes();

// auth/login and auth/logout.
std::vector<Route> qbit_auth_routes();
// app/version, webapiVersion, buildInfo, preferences, setPreferences.
std::vector<Route> qbit_app_routes();
// torrents/info, properties, files, trackers.
std::vector<Route> qbit_read_routes();
// sync/maindata and sync/torrentPeers.
std::vector<Route> qbit_sync_routes();
// The transfer/* routes: global rates and the alternative speed mode.
std::vector<Route> qbit_transfer_routes();

// Appends the routes of `more` to `routes`.
void append_routes(std::vector<Route>& routes, std::vector<Route> more);

// Returns a GET and a POST route for one read endpoint.
std::vector<Route> qbit_read_route(const std::string& pattern,
                                   Permission permission, bool needs_engine,
                                   Handler handler);

}  // namespace revaer
