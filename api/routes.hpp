#pragma once

#include <vector>

#include "api/router.hpp"

namespace revaer {

// Health, discovery, setup and configuration routes.
std::vector<Route> system_routes();

// The /v1/torrents list, add and detail routes, followed by the control,
// tracker and label tables below.
std::vector<Route> torrent_routes();

// POST /v1/torrents/{id}/select and /action, PATCH /v1/torrents/{id}/options.
std::vector<Route> torrent_control_routes();

// The trackers, web seeds and peers of one torrent.
std::vector<Route> torrent_tracker_routes();

// GET /v1/torrents/categories and /v1/torrents/tags.
std::vector<Route> torrent_label_routes();

// POST /v1/torrents/create, which builds a .torrent from a path.
std::vector<Route> torrent_create_routes();

// The Server-Sent Events routes and their stream tickets.
std::vector<Route> event_routes();

}  // namespace revaer
