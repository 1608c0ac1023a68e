// The trackers, web seeds and peers of one torrent.

#include <spdlog/spdlog.h>

#include "api/routes.hpp"
#include "api/torrent_control_request.hpp"
#include "api/torrent_json.hpp"
#include "api/torrent_route_support.hpp"

namespace revaer {
namespace {

using nlohmann::json;

Result<Reply> get_trackers(RequestContext& context) {
  Result<TorrentStatus> torrent = find_torrent(context);
  if (!torrent) {
    return torrent.problem();
  }
  Result<std::vector<TrackerStatus>> trackers =
      context.api.engine.trackers(torrent.value().id);
  if (!trackers) {
    return trackers.problem();
  }

  json list = json::array();
  for (const TrackerStatus& tracker : trackers.value()) {
    list.push_back(tracker_json(tracker));
  }
  return Reply{http::status::ok, {{"trackers", std::move(list)}}, {}};
}

// PATCH adds (or replaces with) trackers, DELETE removes them by URL.
Result<Reply> edit_trackers(RequestContext& context, bool removing) {
  Result<TorrentStatus> torrent = find_torrent(context);
  if (!torrent) {
    return torrent.problem();
  }
  Result<json> body = json_body(context);
  if (!body) {
    return body.problem();
  }
  Result<TrackerEdit> edit = parse_tracker_edit(body.value(), removing);
  if (!edit) {
    return edit.problem();
  }

  const std::string& id = torrent.value().id;
  Status status = context.api.engine.edit_trackers(id, edit.value());
  if (!status) {
    return status.problem();
  }
  spdlog::info("request {}: edited the trackers of torrent {}",
               context.request_id, id);
  return accepted(id);
}

Result<Reply> patch_trackers(RequestContext& context) {
  return edit_trackers(context, false);
}

Result<Reply> delete_trackers(RequestContext& context) {
  return edit_trackers(context, true);
}

Result<Reply> patch_web_seeds(RequestContext& context) {
  Result<TorrentStatus> torrent = find_torrent(context);
  if (!torrent) {
    return torrent.problem();
  }
  Result<json> body = json_body(context);
  if (!body) {
    return body.problem();
  }
  Result<WebSeedEdit> edit = parse_web_seed_edit(body.value());
  if (!edit) {
    return edit.problem();
  }

  const std::string& id = torrent.value().id;
  Status status = context.api.engine.edit_web_seeds(id, edit.value().add,
                                                    edit.value().remove);
  if (!status) {
    return status.problem();
  }
  spdlog::info("request {}: edited the web seeds of torrent {}",
               context.request_id, id);
  return accepted(id);
}

Result<Reply> get_peers(RequestContext& context) {
  Result<TorrentStatus> torrent = find_torrent(context);
  if (!torrent) {
    return torrent.problem();
  }
  Result<std::vector<PeerStatus>> peers =
      context.api.engine.peers(torrent.value().id);
  if (!peers) {
    return peers.problem();
  }

  json list = json::array();
  for (const PeerStatus& peer : peers.value()) {
    list.push_back(peer_json(peer));
  }
  return Reply{http::status::ok, {{"peers", std::move(list)}}, {}};
}

}  // namespace

std::vector<Route> torrent_tracker_routes() {
  using http::verb;
  return {
      {verb::get, "/v1/torrents/{id}/trackers", Access::key, Permission::read,
       true, false, get_trackers},
      {verb::patch, "/v1/torrents/{id}/trackers", Access::key,
       Permission::admin, true, false, patch_trackers},
      {verb::delete_, "/v1/torrents/{id}/trackers", Access::key,
       Permission::admin, true, false, delete_trackers},
      {verb::patch, "/v1/torrents/{id}/web_seeds", Access::key,
       Permission::admin, true, false, patch_web_seeds},
      {verb::get, "/v1/torrents/{id}/peers", Access::key, Permission::read,
       true, false, get_peers},
  };
}

}  // namespace revaer
