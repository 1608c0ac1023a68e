#pragma once

#include <vector>

#include "api/router.hpp"

namespace revaer {

// The mutating route tables of the qBittorrent WebAPI façade, each POST
// only; qbit_routes() includes them. docs/qbittorrent.md lists them.

// torrents/add.
std::vector<Route> qbit_add_routes();
// torrents/delete, stop, start, recheck, setLocation, filePrio and the
// other actions on torrents named by hash.
std::vector<Route> qbit_action_routes();
// Categories and tags: the registries and the labels of torrents.
std::vector<Route> qbit_label_routes();

}  // namespace revaer
