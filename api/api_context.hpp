#pragma once

#include <functional>

#include "config/config_service.hpp"
#include "engine/engine.hpp"
#include "store/store.hpp"
#include "telemetry/health.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

class EventStreams;

// The daemon's components that HTTP handlers use. The referenced objects
// must outlive the HttpServer and every coroutine it started.
struct ApiContext {
  ConfigService& config;
  Engine& engine;
  Store& store;  // pinged by GET /health

  // Called once, on an I/O thread, after POST /admin/setup/complete has
  // committed. The daemon starts the engine here, so it must not block for
  // long. Exceptions it throws are logged and do not change the response.
  std::function<void()> on_setup_completed;

  // The event bus and stream tickets of the SSE routes. Those routes
  // return 503 while it is null.
  EventStreams* events = nullptr;

  // The daemon's metrics; handlers and the HTTP edge count into it when it
  // is set.
  MetricsRegistry* metrics = nullptr;

  // The daemon's component health, read by GET /health/full; GET /health
  // and /health/full update its "database" entry when it is set.
  HealthRegistry* health = nullptr;

  // Queues post-processing of a finished torrent again, also after it
  // failed. Problems: 409 when the torrent is not finished or was already
  // post-processed. The postprocess action returns 503 while it is unset.
  std::function<Status(const TorrentStatus&)> rerun_postprocess = nullptr;
};

}  // namespace revaer
