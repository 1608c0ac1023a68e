#include "api/routes.hpp"

#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "api/http_util.hpp"
#include "api/multipart.hpp"
#include "api/torrent_json.hpp"
#include "api/torrent_query.hpp"
#include "api/torrent_request.hpp"
#include "api/torrent_route_support.hpp"

namespace revaer {
namespace {

using nlohmann::json;

Result<Reply> list_torrents(RequestContext& context) {
  Result<TorrentListQuery> query = parse_torrent_list_query(context.query);
  if (!query) {
    return query.problem();
  }

  const TorrentListQuery& filters = query.value();
  TorrentPage page = make_torrent_page(
      context.api.engine.list_page(
          filters.after, filters.limit + 1,
          [&filters](const TorrentStatus& status, const std::vector<FileStatus>& files) {
            return matches_query(status, files, filters);
          }),
      filters);
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

Problem unsupported_media_type(std::string_view content_type) {
  Problem problem;
  problem.status = 415;
  problem.type = "unsupported-media-type";
  problem.title = "Unsupported media type";
  problem.detail = "POST /v1/torrents takes application/json or "
                   "multipart/form-data, not '" +
                   std::string(content_type.substr(0, 100)) + "'.";
  return problem;
}

// Returns true for an absent Content-Type and for application/json with
// any parameters.
bool is_json_or_absent(std::string_view content_type) {
  std::string type = to_lower(content_type.substr(0, content_type.find(';')));
  type.erase(0, type.find_first_not_of(" \t"));
  type.erase(type.find_last_not_of(" \t") + 1);
  return type.empty() || type == "application/json";
}

Result<AddTorrentRequest> parse_json_add(const RequestContext& context) {
  Result<json> body = json_body(context);
  if (!body) {
    return body.problem();
  }
  return parse_add_torrent_request(body.value(), context.request_id);
}

// Reads a form with a "torrent" part (the .torrent bytes) and an optional
// "options" part (a JSON object).
Result<AddTorrentRequest> parse_form_add(const RequestContext& context,
                                         std::string_view content_type) {
  std::optional<std::string> boundary = multipart_boundary(content_type);
  if (!boundary) {
    return Problem::bad_request(
        "The multipart/form-data Content-Type has no valid boundary "
        "parameter.");
  }
  Result<std::vector<MultipartPart>> parts =
      parse_multipart(context.request.body(), *boundary);
  if (!parts) {
    return parts.problem();
  }

  std::optional<std::string> torrent;
  json options = nullptr;
  for (MultipartPart& part : parts.value()) {
    if (part.name == "torrent") {
      torrent = std::move(part.data);
    } else if (part.name == "options") {
      Result<json> parsed = parse_json_body(part.data, std::nullopt);
      if (!parsed) {
        return Problem::bad_request("The options part is not valid JSON: " +
                                    parsed.problem().detail);
      }
      options = std::move(parsed.value());
    } else {
      return Problem::bad_request(
          "The form has an unsupported part '" + part.name.substr(0, 100) +
          "'; send a 'torrent' part and optionally an 'options' part.");
    }
  }
  if (!torrent) {
    return Problem::unprocessable("The form has no 'torrent' part.",
                                  {{"/torrent", "is required"}});
  }
  return parse_upload_add_request(options, std::move(*torrent),
                                  context.request_id);
}

Result<Reply> add_torrent(RequestContext& context) {
  std::string_view content_type = context.request[http::field::content_type];
  Result<AddTorrentRequest> request =
      is_multipart_form(content_type) ? parse_form_add(context, content_type)
      : is_json_or_absent(content_type)
          ? parse_json_add(context)
          : Result<AddTorrentRequest>(unsupported_media_type(content_type));
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
  Result<TorrentStatus> status = find_torrent(context);
  if (!status) {
    return status.problem();
  }
  return Reply{http::status::ok, torrent_detail_json(status.value()), {}};
}

}  // namespace

std::vector<Route> torrent_routes() {
  using http::verb;
  std::vector<Route> routes = {
      {verb::get, "/v1/torrents", Access::key, Permission::read, true, false,
       list_torrents},
      {verb::post, "/v1/torrents", Access::key, Permission::add, true, true,
       add_torrent},
      {verb::get, "/v1/torrents/{id}", Access::key, Permission::read, true,
       false, get_torrent},
  };
  for (auto table :
       {torrent_control_routes, torrent_tracker_routes, torrent_label_routes}) {
    std::vector<Route> more = table();
    routes.insert(routes.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  }
  return routes;
}

}  // namespace revaer
