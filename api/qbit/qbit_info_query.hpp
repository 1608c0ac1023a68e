#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/qbit/qbit_params.hpp"
#include "core/result.hpp"

namespace revaer {

// The parameters of torrents/info that select, order and page torrents.
struct QbitInfoQuery {
  std::string filter = "all";
  std::optional<std::string> category;  // "" selects uncategorized ones
  std::optional<std::string> tag;       // "" selects untagged ones
  std::optional<std::string> hashes;    // "h1|h2" or "all"
  std::optional<std::string> sort;      // a key of the info object
  bool reverse = false;
  std::optional<std::int64_t> limit;    // <= 0 means no limit
  std::int64_t offset = 0;              // < 0 counts from the end

  // Problems: 400 a limit or offset that is not an integer.
  static Result<QbitInfoQuery> from(const QbitParams& params);
};

// True when a torrent in qBittorrent state `state` passes `filter`
// ("all", "downloading", "seeding", "completed", "stopped"/"paused",
// "running"/"resumed", "active", "inactive", "stalled",
// "stalled_uploading", "stalled_downloading", "checking", "moving",
// "errored"). Unknown filters pass everything, as in qBittorrent 5.1.
bool qbit_filter_matches(const std::string& filter, const std::string& state);

// Keeps the info objects of `torrents` that match the query's filter,
// category and tag, sorts them and cuts the page. An offset past the end
// returns an empty list.
nlohmann::json apply_info_query(std::vector<nlohmann::json> torrents,
                                const QbitInfoQuery& query);

}  // namespace revaer
