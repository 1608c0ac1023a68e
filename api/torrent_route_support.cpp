#include "api/torrent_route_support.hpp"

#include "api/http_util.hpp"
#include "core/crypto.hpp"

namespace revaer {

Result<std::string> torrent_id_param(const RequestContext& context) {
  const std::string& id = context.path_params.at("id");
  if (!is_uuid(id)) {
    Problem problem = Problem::bad_request(
        "The torrent id in the path is not a UUID such as "
        "123e4567-e89b-12d3-a456-426614174000.");
    problem.invalid_params.push_back({"/id", "must be a UUID"});
    return problem;
  }
  return id;
}

Result<TorrentStatus> find_torrent(const RequestContext& context) {
  Result<std::string> id = torrent_id_param(context);
  if (!id) {
    return id.problem();
  }
  std::optional<TorrentStatus> status = context.api.engine.find(id.value());
  if (!status) {
    return Problem::not_found("No torrent has the id '" + id.value() + "'.");
  }
  return std::move(*status);
}

Result<nlohmann::json> json_body(const RequestContext& context) {
  return parse_json_body(context.request.body(), std::nullopt);
}

Reply accepted(const std::string& id, nlohmann::json body) {
  body["id"] = id;
  return Reply{http::status::accepted, std::move(body), {}};
}

}  // namespace revaer
