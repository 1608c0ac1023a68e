#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "events/event_frame.hpp"

namespace revaer {

// The parsed request of GET /v1/torrents/events.
struct EventStreamQuery {
  EventFilter filter;
  // Resume after this id; nullopt for live events only.
  std::optional<std::int64_t> last_event_id;
};

// Parses the filters `torrent` (torrent ids), `event` (kinds) and `state`
// (torrent states), each comma-separated or repeated, at most
// kMaxFilterValues values each, and the resume id. The Last-Event-ID
// header wins over the `last_event_id` parameter, because EventSource
// sends the header with its newest id when it reconnects to the URL that
// still carries the first one. Problems: 422 naming the parameter.
Result<EventStreamQuery> parse_event_stream_query(
    const std::multimap<std::string, std::string, std::less<>>& query,
    std::optional<std::string_view> last_event_id_header);

}  // namespace revaer
