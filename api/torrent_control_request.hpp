#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/torrent.hpp"

namespace revaer {

constexpr std::size_t kMaxPriorityEntries = 10'000;
constexpr int kMaxConnectionLimit = 65'535;

// The action of POST /v1/torrents/{id}/action. Only the members of `type`
// are set.
struct TorrentAction {
  // pause|resume|remove|reannounce|recheck|sequential|rate|move|
  // postprocess
  std::string type;
  bool delete_data = false;                 // remove
  bool enable = false;                      // sequential
  std::optional<std::int64_t> download_bps;  // rate, 0 unlimited
  std::optional<std::int64_t> upload_bps;    // rate, 0 unlimited
  std::string download_dir;                  // move, checked by the route
};

// Validates an action body. Problems: 422 with a pointer per member for a
// missing or unsupported type (/type), members that do not belong to the
// type, wrong types, negative rates or rates over kMaxRateBps.
Result<TorrentAction> parse_torrent_action(const nlohmann::json& body);

// Validates a POST /v1/torrents/{id}/select body: include and exclude globs,
// skip_fluff and priorities [{index, priority}]. Problems: 422 with a
// pointer per member for invalid globs, negative or repeated indexes and
// unknown priority names.
Result<FileSelection> parse_file_selection(const nlohmann::json& body);

// Validates a PATCH /v1/torrents/{id}/options body. A null seed limit
// returns it to the global one. Problems: 422 with a pointer per member.
Result<TorrentSettingsChange> parse_settings_change(const nlohmann::json& body);

// Validates PATCH /v1/torrents/{id}/trackers ({"add", "replace"?}) when
// `removing` is false, or DELETE ({"urls"}) when it is true.
Result<TrackerEdit> parse_tracker_edit(const nlohmann::json& body,
                                       bool removing);

// The body of PATCH /v1/torrents/{id}/web_seeds.
struct WebSeedEdit {
  std::vector<std::string> add;
  std::vector<std::string> remove;
};

// Validates a web seed edit: http(s) URLs, at least one of add and remove.
Result<WebSeedEdit> parse_web_seed_edit(const nlohmann::json& body);

}  // namespace revaer
