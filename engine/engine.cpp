#include "engine/engine.hpp"

namespace revaer {

std::vector<TorrentStatus> Engine::list_page(const std::optional<TorrentOrder>& after,
                                             std::size_t limit,
                                             const TorrentMatch& match) const {
  std::vector<TorrentStatus> page;
  for (TorrentStatus& status : list()) {
    if (page.size() == limit) {
      break;
    }
    if (after && TorrentOrder{status.added_at_ms, status.id} <= *after) {
      continue;
    }
    std::vector<FileStatus> files = std::move(status.files);
    if (files.empty()) {
      if (std::optional<TorrentStatus> detail = find(status.id)) {
        files = std::move(detail->files);
      }
    }
    if (match(status, files)) {
      status.files.clear();
      page.push_back(std::move(status));
    }
  }
  return page;
}

}  // namespace revaer
