#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/torrent.hpp"
#include "events/event_publisher.hpp"

namespace revaer {

// Builders of the events the engine publishes, one per kind. Each sets
// the torrent id; the payloads are documented in docs/events.md. A
// `request_id` is the request that caused the event, empty for none.

// The files_discovered payload lists at most this many files; the rest
// are counted in file_count only, so one event stays small.
inline constexpr std::size_t kMaxListedFiles = 1'000;

EventInput torrent_added_event(const TorrentStatus& torrent,
                               const std::string& request_id);
EventInput files_discovered_event(const std::string& torrent_id,
                                  const std::vector<FileStatus>& files);
EventInput metadata_updated_event(const TorrentStatus& torrent,
                                  std::size_t file_count);
EventInput progress_event(const TorrentStatus& torrent);
EventInput state_changed_event(const TorrentStatus& torrent,
                               TorrentState previous,
                               const std::string& request_id);
EventInput completed_event(const TorrentStatus& torrent);
EventInput torrent_removed_event(const std::string& torrent_id,
                                 bool delete_data,
                                 const std::string& request_id);
// `fixed` names what differed between the torrent's record and what
// libtorrent restored from its resume data at start, now fixed.
EventInput selection_reconciled_event(const std::string& torrent_id,
                                      const std::vector<std::string>& fixed);

// An EventPublisher that drops every event, for engines built without a
// bus (unit tests of the engine alone).
class NullEventPublisher final : public EventPublisher {
 public:
  void publish(EventInput) override {}
};

}  // namespace revaer
