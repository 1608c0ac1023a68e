#include "engine/engine.hpp"

#include <algorithm>
#include <cctype>

namespace revaer {
namespace {

// Hex digits of a v1 info-hash (SHA-1), and of a v2 one cut to that length.
constexpr std::size_t kV1HashDigits = 40;

bool equal_ignoring_case(std::string_view left, std::string_view right) {
  return left.size() == right.size() &&
         std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

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

bool has_info_hash(const TorrentStatus& status, std::string_view hash) {
  if (hash.empty()) {
    return false;
  }
  if (equal_ignoring_case(hash, status.info_hash_v1)) {
    return true;
  }
  const std::string_view v2 = status.info_hash_v2;
  if (v2.empty()) {
    return false;
  }
  return equal_ignoring_case(hash, v2) || equal_ignoring_case(hash, v2.substr(0, kV1HashDigits));
}

std::optional<TorrentStatus> Engine::find_by_info_hash(std::string_view hash) const {
  for (const TorrentStatus& status : list()) {
    if (has_info_hash(status, hash)) {
      return find(status.id);
    }
  }
  return std::nullopt;
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
