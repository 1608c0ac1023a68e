#include "api/routes.hpp"

#include <spdlog/spdlog.h>

#include "api/http_util.hpp"
#include "api/torrent_json.hpp"
#include "api/torrent_query.hpp"
#include "api/torrent_request.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// Returns every torrent for `query`. Engine::list() leaves out the files,
// so when the extension filter needs them they come from each torrent's
// detail.
std::vector<TorrentStatus> list_for_query(const Engine& engine,
                                          const TorrentListQuery& query) {
  std::vector<TorrentStatus> torrents = engine.list();
  if (query.extensions.empty()) {
    return torrents;
  }
  for (TorrentStatus& status : torrents) {
    if (std::optional<TorrentStatus> detail = engine.find(status.id)) {
      status.files = std::move(detail->files);
    }
  }
  return torrents;
}

Result<Reply> list_torrents(RequestContext& context) {
  Result<TorrentListQuery> query = parse_torrent_list_query(context.query);
  if (!query) {
    return query.problem();
  }

  TorrentPage page = select_torrent_page(
      list_for_query(context.api.engine, query.value()), query.value());
  json torrents = json::array();
  for (const TorrentStatus& status : page.torrents) {
    torrents.push_back(torrent_summary_json(status));
  }

  json body = {{"torrents", std::move(torrents)}, {"next", nullptr}};
  if (page.next) {
    body["next"] = *page.next;
  }
  return Reply{http::status::ok, std::move(body), {}};
}

Result<Reply> add_torrent(RequestContext& context) {
  Result<json> body = parse_json_body(context.request.body(), std::nullopt);
  if (!body) {
    return body.problem();
  }
  Result<AddTorrentRequest> request =
      parse_add_torrent_request(body.value(), context.request_id);
  if (!request) {
    return request.problem();
  }

  Result<std::string> id = context.api.engine.add(request.value());
  if (!id) {
    return id.problem();
  }
  spdlog::info("request {}: added torrent {}", context.request_id, id.value());
  return Reply{http::status::accepted,
               {{"id", id.value()}},
               {{"location", "/v1/torrents/" + id.value()}}};
}

Result<Reply> get_torrent(RequestContext& context) {
  const std::string& id = context.path_params.at("id");
  std::optional<TorrentStatus> status = context.api.engine.find(id);
  if (!status) {
    return Problem::not_found("No torrent has the id '" + id + "'.");
  }
  return Reply{http::status::ok, torrent_detail_json(*status), {}};
}

Status run_action(Engine& engine, const std::string& id,
                  const TorrentAction& action) {
  if (action.type == "pause") {
    return engine.pause(id);
  }
  if (action.type == "resume") {
    return engine.resume(id);
  }
  return engine.remove(id, action.delete_data);
}

Result<Reply> post_torrent_action(RequestContext& context) {
  const std::string& id = context.path_params.at("id");
  Result<json> body = parse_json_body(context.request.body(), std::nullopt);
  if (!body) {
    return body.problem();
  }
  Result<TorrentAction> action = parse_torrent_action(body.value());
  if (!action) {
    return action.problem();
  }

  Status status = run_action(context.api.engine, id, action.value());
  if (!status) {
    return status.problem();
  }
  spdlog::info("request {}: {} torrent {}", context.request_id,
               action.value().type, id);
  return Reply{http::status::accepted,
               {{"id", id}, {"type", action.value().type}},
               {}};
}

}  // namespace

std::vector<Route> torrent_routes() {
  using http::verb;
  return {
      {verb::get, "/v1/torrents", Access::key, Permission::read, true, false,
       list_torrents},
      {verb::post, "/v1/torrents", Access::key, Permission::add, true, true,
       add_torrent},
      {verb::get, "/v1/torrents/{id}", Access::key, Permission::read, true,
       false, get_torrent},
      {verb::post, "/v1/torrents/{id}/action", Access::key, Permission::admin,
       true, false, post_torrent_action},
  };
}

}  // namespace revaer
