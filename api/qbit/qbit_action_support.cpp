#include "api/qbit/qbit_action_support.hpp"

#include <spdlog/spdlog.h>

#include "api/qbit/qbit_hashes.hpp"
#include "api/qbit/qbit_reply.hpp"

namespace revaer {

Result<std::string> required_param(const QbitParams& params, std::string_view name) {
  std::optional<std::string> value = params.get(name);
  if (!value) {
    return Problem::bad_request("Missing required parameter '" + std::string(name) + "'");
  }
  return *value;
}

Result<TorrentStatus> required_torrent(const RequestContext& context, const QbitParams& params) {
  Result<std::string> hash = required_param(params, "hash");
  if (!hash) return hash.problem();
  std::optional<TorrentStatus> torrent = context.api.engine.find_by_info_hash(hash.value());
  if (!torrent) return qbit_torrent_not_found();
  return *torrent;
}

Result<Reply> for_each_torrent(RequestContext& context, const QbitParams& params,
                               std::string_view action_name,
                               const std::function<Status(const TorrentStatus&)>& action) {
  Result<std::string> hashes = required_param(params, "hashes");
  if (!hashes) return hashes.problem();
  return run_on_torrents(context, resolve_hashes(context.api.engine, hashes.value()), action_name,
                         action);
}

Result<Reply> run_on_torrents(RequestContext& context, const std::vector<TorrentStatus>& torrents,
                              std::string_view action_name,
                              const std::function<Status(const TorrentStatus&)>& action) {
  std::optional<Problem> first_problem;
  for (const TorrentStatus& torrent : torrents) {
    Status done = action(torrent);
    if (done) continue;
    const Problem& problem = done.problem();
    spdlog::info("request {}: could not {} torrent {}: {}", context.request_id, action_name, torrent.id,
                 problem.detail);
    if (problem.status != 404 && problem.status != 409 && !first_problem) {
      first_problem = problem;
    }
  }
  if (first_problem) return *first_problem;
  spdlog::info("request {}: '{}' applied to {} torrents", context.request_id, action_name, torrents.size());
  return qbit_ok();
}

Route torrents_post(const std::string& name, Handler handler) {
  return Route{http::verb::post, "/api/v2/torrents/" + name, Access::qbit, Permission::admin,
               true, false, std::move(handler)};
}

}  // namespace revaer
