#pragma once

#include <vector>

#include "api/router.hpp"

namespace revaer {

// GET /health (readiness), GET /health/full (component health, build,
// metric snapshot and torrent counts) and GET /metrics (Prometheus text).
std::vector<Route> health_routes();

}  // namespace revaer
