#include "api/qbit/qbit_hashes.hpp"

#include <algorithm>

#include "api/http_util.hpp"
#include "api/qbit/qbit_params.hpp"

namespace revaer {
namespace {

constexpr std::size_t kTruncatedHashLength = 40;

}  // namespace

std::string qbit_hash(const TorrentStatus& status) {
  if (!status.info_hash_v1.empty()) {
    return to_lower(status.info_hash_v1);
  }
  return to_lower(std::string_view(status.info_hash_v2)
                      .substr(0, kTruncatedHashLength));
}

std::vector<TorrentStatus> resolve_hashes(const Engine& engine,
                                          std::string_view hashes) {
  if (iequals(hashes, "all")) {
    return engine.list();
  }
  // One lookup per named hash, which loads a stored torrent not loaded
  // yet, as a request for its id does.
  std::vector<TorrentStatus> found;
  for (const std::string& hash : split_list(hashes, '|')) {
    std::optional<TorrentStatus> status = engine.find_by_info_hash(hash);
    if (!status) {
      continue;
    }
    const bool named_before =
        std::any_of(found.begin(), found.end(), [&](const TorrentStatus& other) {
          return other.id == status->id;
        });
    if (named_before) {
      continue;
    }
    status->files.clear();
    found.push_back(std::move(*status));
  }
  std::sort(found.begin(), found.end(),
            [](const TorrentStatus& left, const TorrentStatus& right) {
              return TorrentOrder{left.added_at_ms, left.id} <
                     TorrentOrder{right.added_at_ms, right.id};
            });
  return found;
}

}  // namespace revaer
