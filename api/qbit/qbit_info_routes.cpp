#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/qbit/qbit_hashes.hpp"
#include "api/qbit/qbit_info_query.hpp"
#include "api/qbit/qbit_params.hpp"
#include "api/qbit/qbit_preferences.hpp"
#include "api/qbit/qbit_properties.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_routes.hpp"
#include "api/qbit/qbit_torrent_json.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// The torrent of the "hash" parameter. Problems: 400 without the
// parameter, 404 for an unknown hash.
Result<TorrentStatus> find_torrent(RequestContext& context,
                                   const QbitParams& params) {
  std::optional<std::string> hash = params.get("hash");
  if (!hash || hash->empty()) {
    return Problem::bad_request("The parameter 'hash' is missing.");
  }
  std::optional<TorrentStatus> status = context.api.engine.find_by_info_hash(*hash);
  if (!status) {
    return qbit_torrent_not_found();
  }
  return std::move(*status);
}

Result<Reply> get_info(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) {
    return params.problem();
  }
  Result<QbitInfoQuery> query = QbitInfoQuery::from(params.value());
  if (!query) {
    return query.problem();
  }
  std::vector<TorrentStatus> statuses =
      query.value().hashes
          ? resolve_hashes(context.api.engine, *query.value().hashes)
          : context.api.engine.list();
  QbitGlobals globals = QbitGlobals::from(*context.snapshot);
  std::vector<json> torrents;
  torrents.reserve(statuses.size());
  for (const TorrentStatus& status : statuses) {
    torrents.push_back(qbit_torrent_info(status, globals));
  }
  return qbit_json(apply_info_query(std::move(torrents), query.value()));
}

// Parses the call, finds the torrent of its "hash" parameter and returns
// what `build` makes of both.
template <typename Build>
Result<Reply> reply_for_torrent(RequestContext& context, Build build) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) {
    return params.problem();
  }
  Result<TorrentStatus> status = find_torrent(context, params.value());
  if (!status) {
    return status.problem();
  }
  return build(params.value(), status.value());
}

Result<Reply> get_properties(RequestContext& context) {
  return reply_for_torrent(
      context, [&](const QbitParams&, const TorrentStatus& status) {
        return Result<Reply>(qbit_json(qbit_torrent_properties(
            status, QbitGlobals::from(*context.snapshot))));
      });
}

Result<Reply> get_files(RequestContext& context) {
  return reply_for_torrent(
      context, [](const QbitParams& params, const TorrentStatus& status) {
        std::optional<std::string> indexes = params.get("indexes");
        return Result<Reply>(qbit_json(
            qbit_torrent_files(status, split_list(indexes.value_or(""), '|'))));
      });
}

Result<Reply> get_trackers(RequestContext& context) {
  return reply_for_torrent(
      context, [&](const QbitParams&, const TorrentStatus& status) {
        Result<std::vector<TrackerStatus>> trackers =
            context.api.engine.trackers(status.id);
        if (!trackers) {
          return trackers.problem().status == 404
                     ? Result<Reply>(qbit_torrent_not_found())
                     : Result<Reply>(trackers.problem());
        }
        return Result<Reply>(qbit_json(qbit_torrent_trackers(
            status, trackers.value(), engine_profile_of(*context.snapshot))));
      });
}

}  // namespace

std::vector<Route> qbit_read_routes() {
  std::vector<Route> routes;
  append_routes(routes, qbit_read_route("/api/v2/torrents/info",
                                        Permission::read, false, get_info));
  append_routes(routes,
                qbit_read_route("/api/v2/torrents/properties",
                                Permission::read, false, get_properties));
  append_routes(routes, qbit_read_route("/api/v2/torrents/files",
                                        Permission::read, false, get_files));
  append_routes(routes, qbit_read_route("/api/v2/torrents/trackers",
                                        Permission::read, false, get_trackers));
  return routes;
}

}  // namespace revaer
