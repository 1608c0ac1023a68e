#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/qbit/qbit_params.hpp"
#include "config/config_service.hpp"
#include "core/result.hpp"

namespace revaer {

// The parameters of one torrents/add call that apply to every torrent it
// adds, translated for the /v1 add path.
struct QbitAddOptions {
  // The members of a POST /v1/torrents body without magnet and metainfo,
  // as parse_upload_add_request() takes them.
  nlohmann::json options = nlohmann::json::object();
  // The category and tags, which the call also registers.
  std::optional<std::string> category;
  std::vector<std::string> tags;
  // The category's save path when it lies outside download_root but
  // inside fs_policy.allow_paths: the torrent is added into download_root
  // and then moved there, because an add may only write inside
  // download_root.
  std::optional<std::string> move_to;
};

// Translates the parameters of torrents/add (qBittorrent 5.1 names).
// savepath becomes download_dir, resolved with resolve_qbit_save_path().
// The registered save path of `category` in `categories` applies when
// savepath is empty. Also read: tags, paused or stopped,
// sequentialDownload, rename, upLimit and dlLimit (bytes per second, 0 or
// less for unlimited), ratioLimit and seedingTimeLimit (see
// qbit_share_limits.hpp). Parameters that Revaer
// has no setting for (firstLastPiecePrio, contentLayout, skip_checking,
// autoTMM, inactiveSeedingTimeLimit and others) are ignored. Problems:
// 400 an invalid category name or tag, or a number that does not parse.
Result<QbitAddOptions> parse_qbit_add_options(
    const QbitParams& params, const ConfigSnapshot& snapshot,
    const std::map<std::string, std::string>& categories);

// The magnet link for one line of `urls`: a magnet link as it is, and a
// bare info-hash (40 hex or 32 base32 digits for v1, 64 hex digits for v2)
// as a magnet link with only that hash. Returns nullopt for anything else,
// http and https URLs included, because the daemon fetches no .torrent
// files.
std::optional<std::string> qbit_url_to_magnet(std::string_view line);

}  // namespace revaer
