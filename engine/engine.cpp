#include "engine/engine.hpp"

namespace revaer {
namespace {

Problem not_supported(const char* operation) {
  Problem problem;
  problem.status = 501;
  problem.type = "not-implemented";
  problem.title = "Not implemented";
  problem.detail = std::string("this torrent engine cannot ") + operation;
  return problem;
}

}  // namespace

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

Status Engine::set_category(std::string_view, const std::optional<std::string>&) {
  return not_supported("set a torrent's category");
}

Status Engine::edit_tags(std::string_view, const std::vector<std::string>&,
                         const std::vector<std::string>&) {
  return not_supported("edit a torrent's tags");
}

Status Engine::rename(std::string_view, const std::string&) {
  return not_supported("rename a torrent");
}

Status Engine::rename_files(std::string_view, const std::vector<FileRename>&) {
  return not_supported("rename a torrent's files");
}

Status Engine::move_in_queue(std::string_view, QueueMove) {
  return not_supported("move a torrent in the queue");
}

}  // namespace revaer
