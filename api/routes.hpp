#pragma once

#include <vector>

#include "api/router.hpp"

namespace revaer {

// Health, discovery, setup and configuration routes.
std::vector<Route> system_routes();

// The /v1/torrents routes.
std::vector<Route> torrent_routes();

// The Server-Sent Events routes and their stream tickets.
std::vector<Route> event_routes();

}  // namespace revaer
