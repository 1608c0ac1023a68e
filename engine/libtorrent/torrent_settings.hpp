#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/fwd.hpp>

#include "core/problem.hpp"
#include "core/torrent.hpp"

namespace revaer {

// Checks the ranges of a settings change. Rates and limits run from 0 to
// INT_MAX (libtorrent keeps them as int), and a connection limit is not 1.
// A seed ratio is finite and 0 or more, and a seed time 0 or more seconds.
// JSON pointers of the problem are prefixed by `pointer` ("" when the
// members sit at the top level of the body, as in add and options).
std::optional<Problem> validate_settings_change(const TorrentSettingsChange& change,
                                                std::string_view pointer);

// Applies the members `change` carries to `settings` and `sequential`.
void merge_settings_change(const TorrentSettingsChange& change, TorrentSettings& settings,
                           bool& sequential);

// The libtorrent value of a connection limit: `limit`, or
// `default_connections` when `limit` is 0.
int connections_value(int limit, int default_connections);

// Sets limits and flags in add parameters, so the torrent starts with them.
// Without auto_managed, a torrent that the queue would have started starts
// at once, and one added paused by request stays paused.
void apply_settings_to_params(const TorrentSettings& settings, int default_connections,
                              lt::add_torrent_params& params);

// Sets the rate caps, connection and upload slot limits, super seeding and
// sequential download on a live torrent. The calls are posted to the
// session and return at once. auto_managed is left to the caller, because
// a torrent the user paused must stay unmanaged.
void apply_settings_to_handle(const TorrentSettings& settings, bool sequential,
                              int default_connections, const lt::torrent_handle& handle);

// The ratio of uploaded to downloaded payload. A torrent whose data was
// already on disk has downloaded little or nothing, so the larger of the
// bytes downloaded and the bytes it has counts as downloaded. Returns 0
// before anything was downloaded or verified.
double share_ratio(const lt::torrent_status& status);

// The facts a torrent's seeding limits are checked against. The seeding
// time comes from the caller's clock, so tests can pass a fake one.
struct SeedingState {
  bool seeding = false;  // finished, with metadata, no error, not paused
  double ratio = 0.0;    // see share_ratio()
  std::chrono::seconds seeding_time{0};
};

// The seeding state of a live torrent, timed by libtorrent's
// seeding_duration, which counts only time spent seeding.
SeedingState seeding_state_of(const lt::torrent_status& status);

// Returns a reason when a seeding torrent has met its own ratio or seeding
// time limit, nullopt otherwise or when `settings` sets neither.
std::optional<std::string> seed_limit_reached(const TorrentSettings& settings,
                                              const SeedingState& state);
std::optional<std::string> seed_limit_reached(const TorrentSettings& settings,
                                              const lt::torrent_status& status);

}  // namespace revaer
