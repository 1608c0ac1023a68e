#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "events/event_frame.hpp"
#include "events/event_publisher.hpp"

namespace revaer {

// An event checked and serialised up to the parts the bus adds: its id and
// time.
struct PreparedEvent {
  EventKind kind = EventKind::torrent_added;
  std::string torrent_id;  // empty when the event is about no torrent
  std::optional<TorrentState> state;
  std::optional<std::string> request_id;
  std::string data_json;  // the payload, compact, with torrent_id added
};

// Checks the kind, adds "torrent_id" to the payload when the event names a
// torrent and the payload does not, and serialises the payload (invalid
// UTF-8 is replaced). Returns nullopt, after logging, for an unknown kind
// or a payload that is not a JSON object.
std::optional<PreparedEvent> prepare_event(EventInput input);

// Builds the SSE frame of an emitted event. Its data line is
// {"id", "kind", "at", "request_id"?, "data"}.
std::shared_ptr<const EventFrame> make_event_frame(std::int64_t id,
                                                   std::int64_t at_unix_ms,
                                                   const PreparedEvent& event);

// Builds the reset notice: event name "reset", id `id` (the id to resume
// from later), and data {"reason", "requested_id", "oldest_id"} where
// oldest_id is the oldest retained event id or null.
std::shared_ptr<const EventFrame> make_reset_frame(
    std::int64_t id, std::int64_t at_unix_ms, std::int64_t requested_id,
    std::string_view reason, std::optional<std::int64_t> oldest_id);

// Parses a torrent state name (exact, lower case), as carried in
// data.state.
std::optional<TorrentState> parse_state_name(std::string_view name);

}  // namespace revaer
