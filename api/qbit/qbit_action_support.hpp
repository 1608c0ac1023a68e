#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/qbit/qbit_params.hpp"
#include "api/router.hpp"
#include "core/result.hpp"
#include "core/torrent.hpp"

namespace revaer {

// Helpers shared by the mutating endpoints of the qBittorrent façade.

// The value of a parameter the endpoint requires. Problems: 400 when the
// call lacks it, as in qBittorrent 5.1.
Result<std::string> required_param(const QbitParams& params, std::string_view name);

// The torrent that the "hash" parameter names, with its files. Problems:
// 400 without "hash", 404 "Torrent not found".
Result<TorrentStatus> required_torrent(const RequestContext& context, const QbitParams& params);

// Runs `action` on every torrent that the "hashes" parameter names ('|'
// list or "all"); unknown hashes are skipped. A 404 or 409 from `action`
// (a torrent removed meanwhile, or one whose state does not allow the
// action) is logged and skipped, because qBittorrent 5.1 reports neither.
// Returns the first other problem after trying every torrent, or an
// empty 200. Problems: 400 without "hashes".
Result<Reply> for_each_torrent(RequestContext& context, const QbitParams& params,
                               std::string_view action_name,
                               const std::function<Status(const TorrentStatus&)>& action);

// As for_each_torrent() for `torrents`, already resolved.
Result<Reply> run_on_torrents(RequestContext& context, const std::vector<TorrentStatus>& torrents,
                              std::string_view action_name,
                              const std::function<Status(const TorrentStatus&)>& action);

// A POST route "/api/v2/torrents/<name>" for admin keys that needs the
// engine.
Route torrents_post(const std::string& name, Handler handler);

// The routes of qbit_action_files.cpp: setLocation, rename, filePrio,
// renameFile, renameFolder, addTrackers and removeTrackers.
std::vector<Route> qbit_torrent_edit_routes();

}  // namespace revaer
