#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

// Torrent totals read from the engine's status catalog.
struct TorrentTotals {
  std::map<std::string, std::int64_t> by_state;  // every state, 0 included
  std::int64_t total = 0;
  // Torrents fetching metadata, downloading or seeding.
  std::int64_t active = 0;
  // Torrents waiting for an active slot (state queued).
  std::int64_t queued = 0;
  std::int64_t download_bps = 0;  // sum over torrents
  std::int64_t upload_bps = 0;
};

// Counts the engine's torrents. Copies the catalog, so it costs a few
// microseconds per torrent; it does not touch the session.
TorrentTotals count_torrents(const Engine& engine);

// {"total", "active", "queued", "by_state": {state: count}}.
nlohmann::json to_json(const TorrentTotals& totals);

// Registers the torrent gauges (active_torrents, queue_depth,
// torrents{state}, download_rate_bytes_per_second,
// upload_rate_bytes_per_second) and a collector that sets them from
// `engine` at each scrape. `engine` must outlive `metrics`' use.
void register_torrent_metrics(MetricsRegistry& metrics, const Engine& engine);

}  // namespace revaer
