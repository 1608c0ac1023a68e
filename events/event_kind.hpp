#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

// Header-only, so that the revaer CLI can validate --event values without
// linking the events component.

namespace revaer {

// The kinds of event the daemon publishes, in the order of kEventKindNames.
enum class EventKind : std::uint8_t {
  torrent_added,
  files_discovered,
  progress,
  state_changed,
  completed,
  metadata_updated,
  torrent_removed,
  fsops_started,
  fsops_progress,
  fsops_completed,
  fsops_failed,
  settings_changed,
  health_changed,
  selection_reconciled,
};

inline constexpr std::array<std::string_view, 14> kEventKindNames = {
    "torrent_added",    "files_discovered", "progress",
    "state_changed",    "completed",        "metadata_updated",
    "torrent_removed",  "fsops_started",    "fsops_progress",
    "fsops_completed",  "fsops_failed",     "settings_changed",
    "health_changed",   "selection_reconciled",
};

inline constexpr std::size_t kEventKindCount = kEventKindNames.size();

// The SSE event name of the notice sent instead of events that can no
// longer be replayed. It is not a kind: no producer publishes it.
inline constexpr std::string_view kResetEventName = "reset";

inline constexpr std::string_view to_string(EventKind kind) {
  return kEventKindNames[static_cast<std::size_t>(kind)];
}

// Returns the kind named `name` (exact, lower case), or nullopt.
inline constexpr std::optional<EventKind> parse_event_kind(
    std::string_view name) {
  for (std::size_t i = 0; i < kEventKindCount; ++i) {
    if (kEventKindNames[i] == name) {
      return static_cast<EventKind>(i);
    }
  }
  return std::nullopt;
}

}  // namespace revaer
