#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libtorrent/announce_entry.hpp>
#include <libtorrent/fwd.hpp>
#include <libtorrent/time.hpp>

#include "core/torrent.hpp"

namespace revaer {

// Maps the session's tracker list to the API's TrackerStatus values.
// Times in `entries` are on libtorrent's steady clock. `now` is that
// clock's current time and `now_ms` the same instant in Unix time, which
// converts next_announce_ms to Unix time.
std::vector<TrackerStatus> describe_trackers(const std::vector<lt::announce_entry>& entries,
                                             lt::time_point now, std::int64_t now_ms);

// One connected peer as the API shows it.
PeerStatus describe_peer(const lt::peer_info& peer);

// Returns why `url` cannot be a tracker URL (an absolute http, https or
// udp URL with a host and without spaces or control characters), or
// nullopt when it can.
std::optional<std::string> tracker_url_error(std::string_view url);

// Returns why `url` cannot be a web seed URL (BEP 19: absolute http or
// https with a host), or nullopt when it can.
std::optional<std::string> web_seed_url_error(std::string_view url);

// Converts a tracker list to announce entries. Tiers are clamped to
// 0..255, the range libtorrent stores.
std::vector<lt::announce_entry> to_announce_entries(const std::vector<TrackerEntry>& trackers);

// Computes the tracker list after `edit`, in tier order as libtorrent keeps
// it. With `replace` the list is the added entries alone. Otherwise it is
// `current` without the URLs in `remove`, plus each added URL not yet listed.
std::vector<TrackerEntry> edited_tracker_list(const std::vector<TrackerEntry>& current,
                                              const TrackerEdit& edit);

}  // namespace revaer
