#include <filesystem>
#include <string>
#include <system_error>

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include "api/qbit/qbit_categories.hpp"
#include "api/qbit/qbit_hashes.hpp"
#include "api/qbit/qbit_params.hpp"
#include "api/qbit/qbit_preferences.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_routes.hpp"
#include "api/qbit/qbit_sessions.hpp"
#include "api/qbit/qbit_state.hpp"
#include "api/qbit/qbit_sync.hpp"
#include "api/qbit/qbit_transfer.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// How often qBittorrent's WebUI polls, in milliseconds. Clients read it
// from server_state.
constexpr int kRefreshIntervalMs = 1500;

// Sync views belong to the session, or to the API key when the client
// sends no SID cookie.
std::string sync_client(const RequestContext& context) {
  std::string_view sid = find_sid_cookie(context.request[http::field::cookie]);
  return sid.empty() ? "key:" + context.actor : "sid:" + std::string(sid);
}

Result<std::int64_t> read_rid(const QbitParams& params) {
  Result<std::optional<std::int64_t>> rid = params.integer("rid");
  if (!rid) {
    return rid.problem();
  }
  return rid.value().value_or(0);
}

json server_extras(const RequestContext& context) {
  QbitRateCaps caps = qbit_rate_caps(*context.snapshot);
  const json& engine = engine_profile_of(*context.snapshot);
  json extras = {
      {"connection_status",
       context.api.engine.running() ? "connected" : "disconnected"},
      {"dht_nodes", 0},
      {"dl_rate_limit", caps.download_bps},
      {"up_rate_limit", caps.upload_bps},
      {"use_alt_speed_limits", caps.alternative},
      {"queueing", engine.value("max_active", 8) >= 0},
      {"refresh_interval", kRefreshIntervalMs},
      {"use_subcategories", false},
  };
  std::error_code error;
  std::filesystem::space_info space = std::filesystem::space(
      engine.value("download_root", std::string()),
      error);
  extras["free_space_on_disk"] =
      error ? 0 : static_cast<std::int64_t>(space.available);
  return extras;
}

Result<Reply> get_maindata(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) {
    return params.problem();
  }
  Result<std::int64_t> rid = read_rid(params.value());
  if (!rid) {
    return rid.problem();
  }

  QbitSyncInputs inputs{QbitGlobals::from(*context.snapshot),
                        context.snapshot->revision,
                        load_qbit_categories(context.api.store),
                        load_qbit_tags(context.api.store),
                        server_extras(context)};
  std::string client = sync_client(context);
  QbitSyncView view =
      context.qbit->sync.take(client, rid.value()).value_or(QbitSyncView{});
  json reply = qbit_sync_step(view, context.api.engine, inputs);
  reply["rid"] = context.qbit->sync.put(client, std::move(view));
  return qbit_json(std::move(reply));
}

Result<Reply> get_torrent_peers(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) {
    return params.problem();
  }
  Result<std::int64_t> rid = read_rid(params.value());
  if (!rid) {
    return rid.problem();
  }
  std::optional<std::string> hash = params.value().get("hash");
  if (!hash || hash->empty()) {
    return Problem::bad_request("The parameter 'hash' is missing.");
  }
  std::optional<TorrentStatus> status = context.api.engine.find_by_info_hash(*hash);
  if (!status) {
    return qbit_torrent_not_found();
  }
  Result<std::vector<PeerStatus>> peers = context.api.engine.peers(status->id);
  if (!peers) {
    return peers.problem().status == 404
               ? Result<Reply>(qbit_torrent_not_found())
               : Result<Reply>(peers.problem());
  }
  std::int64_t next_rid = 0;
  json reply = context.qbit->peers.step(sync_client(context), qbit_hash(*status),
                                        rid.value(), peers.value(), &next_rid);
  reply["rid"] = next_rid;
  return qbit_json(std::move(reply));
}

}  // namespace

std::vector<Route> qbit_sync_routes() {
  std::vector<Route> routes;
  append_routes(routes, qbit_read_route("/api/v2/sync/maindata",
                                        Permission::read, false, get_maindata));
  append_routes(routes, qbit_read_route("/api/v2/sync/torrentPeers",
                                        Permission::read, false,
                                        get_torrent_peers));
  return routes;
}

}  // namespace revaer
