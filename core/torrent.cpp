#include "core/torrent.hpp"

namespace revaer {

std::string_view to_string(TorrentState state) {
  switch (state) {
    case TorrentState::queued:
      return "queued";
    case TorrentState::fetching_metadata:
      return "fetching_metadata";
    case TorrentState::downloading:
      return "downloading";
    case TorrentState::seeding:
      return "seeding";
    case TorrentState::completed:
      return "completed";
    case TorrentState::failed:
      return "failed";
    case TorrentState::stopped:
      return "stopped";
  }
  return "failed";
}

}  // namespace revaer
