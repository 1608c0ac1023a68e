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

bool matches_hash(const TorrentStatus& status, std::string_view hash) {
  if (hash.empty()) {
    return false;
  }
  std::string wanted = to_lower(hash);
  if (!status.info_hash_v1.empty() && wanted == to_lower(status.info_hash_v1)) {
    return true;
  }
  if (status.info_hash_v2.empty()) {
    return false;
  }
  std::string v2 = to_lower(status.info_hash_v2);
  return wanted == v2 || wanted == v2.substr(0, kTruncatedHashLength);
}

std::optional<TorrentStatus> find_by_hash(const Engine& engine,
                                          std::string_view hash) {
  for (const TorrentStatus& status : engine.list()) {
    if (matches_hash(status, hash)) {
      return engine.find(status.id);
    }
  }
  return std::nullopt;
}

std::vector<TorrentStatus> resolve_hashes(const Engine& engine,
                                          std::string_view hashes) {
  std::vector<TorrentStatus> all = engine.list();
  if (iequals(hashes, "all")) {
    return all;
  }
  std::vector<std::string> wanted = split_list(hashes, '|');
  std::vector<TorrentStatus> found;
  for (TorrentStatus& status : all) {
    bool named = std::any_of(wanted.begin(), wanted.end(),
                             [&](const std::string& hash) {
                               return matches_hash(status, hash);
                             });
    if (named) {
      found.push_back(std::move(status));
    }
  }
  return found;
}

}  // namespace revaer
