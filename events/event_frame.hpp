#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/torrent.hpp"
#include "events/event_kind.hpp"

namespace revaer {

// One published event, serialised once as a complete SSE frame and shared,
// read-only, by the replay window and every subscriber.
struct EventFrame {
  std::int64_t id = 0;
  // nullopt for the reset notice, which is not a published event.
  std::optional<EventKind> kind;
  std::string torrent_id;  // empty for events about no single torrent
  // The torrent state the event carries in data.state, if any.
  std::optional<TorrentState> state;
  // "id: N\nevent: KIND\ndata: {...}\n\n", ready to write to a socket.
  std::string text;
};

// A subscriber's selection of events. Each non-empty list must contain
// the event's value, and empty lists match everything.
struct EventFilter {
  std::uint32_t kinds = 0;  // bit (1 << kind); 0 means every kind
  std::vector<std::string> torrent_ids;
  std::uint32_t states = 0;  // bit (1 << state); 0 means every state

  // An event without a torrent id never matches a torrent filter, and one
  // without a state never matches a state filter. The reset notice always
  // matches.
  bool matches(const EventFrame& frame) const;
};

inline std::uint32_t kind_bit(EventKind kind) {
  return 1u << static_cast<unsigned>(kind);
}

inline std::uint32_t state_bit(TorrentState state) {
  return 1u << static_cast<unsigned>(state);
}

}  // namespace revaer
