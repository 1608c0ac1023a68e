#include "api/torrent_metrics.hpp"

#include <array>

namespace revaer {
namespace {

constexpr std::array kStates = {
    TorrentState::queued,  TorrentState::fetching_metadata, TorrentState::downloading,
    TorrentState::seeding, TorrentState::completed,         TorrentState::failed,
    TorrentState::stopped,
};

bool is_active(TorrentState state) {
  return state == TorrentState::fetching_metadata || state == TorrentState::downloading ||
         state == TorrentState::seeding;
}

Gauge& state_gauge(MetricsRegistry& metrics, TorrentState state) {
  return metrics.gauge("torrents", "Torrents in the engine, by state",
                       {{"state", std::string(to_string(state))}});
}

void set_gauges(MetricsRegistry& metrics, const TorrentTotals& totals) {
  metrics.gauge("active_torrents", "Torrents fetching metadata, downloading or seeding")
      .set(static_cast<double>(totals.active));
  metrics
      .gauge("queue_depth",
             "Torrents waiting in the engine queue for an "
             "active slot")
      .set(static_cast<double>(totals.queued));
  metrics.gauge("download_rate_bytes_per_second", "Payload download rate summed over all torrents")
      .set(static_cast<double>(totals.download_bps));
  metrics.gauge("upload_rate_bytes_per_second", "Payload upload rate summed over all torrents")
      .set(static_cast<double>(totals.upload_bps));
  for (const TorrentState state : kStates) {
    const auto count = totals.by_state.find(std::string(to_string(state)));
    const std::int64_t value = count != totals.by_state.end() ? count->second : 0;
    state_gauge(metrics, state).set(static_cast<double>(value));
  }
}

}  // namespace

TorrentTotals count_torrents(const Engine& engine) {
  TorrentTotals totals;
  for (const TorrentState state : kStates) {
    totals.by_state[std::string(to_string(state))] = 0;
  }
  for (const TorrentStatus& torrent : engine.list()) {
    ++totals.total;
    ++totals.by_state[std::string(to_string(torrent.state))];
    totals.active += is_active(torrent.state) ? 1 : 0;
    totals.queued += torrent.state == TorrentState::queued ? 1 : 0;
    totals.download_bps += torrent.download_bps;
    totals.upload_bps += torrent.upload_bps;
  }
  return totals;
}

nlohmann::json to_json(const TorrentTotals& totals) {
  return {{"total", totals.total},
          {"active", totals.active},
          {"queued", totals.queued},
          {"by_state", totals.by_state}};
}

void register_torrent_metrics(MetricsRegistry& metrics, const Engine& engine) {
  set_gauges(metrics, TorrentTotals{});  // registers every series at 0
  metrics.add_collector([&metrics, &engine] { set_gauges(metrics, count_torrents(engine)); });
}

}  // namespace revaer
