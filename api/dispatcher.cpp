#include "api/dispatcher.hpp"

#include <algorithm>
#include <exception>

#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "api/cidr.hpp"
#include "api/http_util.hpp"
#include "api/routes.hpp"
#include "api/sse_service.hpp"
#include "api/sse_stream.hpp"
#include "core/request_scope.hpp"

namespace revaer {
namespace {

using nlohmann::json;

std::vector<Route> all_routes() {
  std::vector<Route> routes = system_routes();
  for (auto table : {torrent_routes, event_routes}) {
    std::vector<Route> more = table();
    routes.insert(routes.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  }
  return routes;
}

Problem setup_incomplete() {
  Problem problem = Problem::forbidden(
      "Setup is incomplete: finish it with POST /admin/setup/complete.");
  problem.type = "setup-incomplete";
  problem.title = "Setup incomplete";
  return problem;
}

Problem method_not_allowed(std::string_view method) {
  Problem problem;
  problem.status = 405;
  problem.type = "method-not-allowed";
  problem.title = "Method not allowed";
  problem.detail = "This path does not accept " + std::string(method) + ".";
  return problem;
}

std::string allow_header(const std::vector<http::verb>& methods) {
  std::string allow;
  for (http::verb method : methods) {
    if (!allow.empty()) {
      allow += ", ";
    }
    allow += http::to_string(method);
  }
  return allow;
}

// Returns the credential of x-revaer-api-key or of an "Authorization:
// Bearer" header, or an empty view when the request has neither.
std::string_view find_credential(const HttpRequest& request) {
  auto api_key = request.find("x-revaer-api-key");
  if (api_key != request.end()) {
    return api_key->value();
  }

  auto authorization = request.find(http::field::authorization);
  if (authorization == request.end()) {
    return {};
  }
  std::string_view value = authorization->value();
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !iequals(value.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') {
    value.remove_prefix(1);
  }
  return value;
}

bool scope_allows(std::string_view scope, Permission permission) {
  if (scope == "admin") {
    return true;
  }
  if (scope == "add_only") {
    return permission != Permission::admin;
  }
  return permission == Permission::read;
}

// Admits the request or returns the 401/403 problem. Sets context.actor.
Status authorize(const Route& route, RequestContext& context) {
  const ConfigSnapshot& snapshot = *context.snapshot;
  std::string_view credential = find_credential(context.request);

  if (credential.empty()) {
    bool open_locally =
        snapshot.app_profile.value("auth_mode", std::string()) == "none" &&
        is_local_network(context.client, snapshot.app_profile.value(
                                             "local_networks", json::array()));
    if (!open_locally) {
      return Problem::unauthorized(
          "An API key is required: send x-revaer-api-key: key_id:secret.");
    }
    context.actor = "local";
    return Done{};
  }

  std::optional<AuthenticatedKey> key =
      context.api.config.authenticate(credential);
  if (!key) {
    return Problem::unauthorized("The API key is unknown, disabled or wrong.");
  }
  if (!scope_allows(key->scope, route.permission)) {
    return Problem::forbidden("The API key's scope '" + key->scope +
                              "' does not allow this request.");
  }
  context.actor = key->key_id;
  return Done{};
}

// Admits a request to an Access::stream route by its single-use ticket.
// Sets context.actor.
Status redeem_ticket(const Route& route, RequestContext& context,
                     std::string_view ticket) {
  std::optional<TicketHolder> holder;
  if (context.api.events != nullptr) {
    holder = context.api.events->redeem_ticket(ticket);
  }
  if (!holder) {
    return Problem::unauthorized(
        "The stream ticket is unknown, used or expired; request a new one "
        "with POST /v1/events/ticket.");
  }

  // The key may have been disabled or deleted since the ticket was issued.
  const auto& keys = context.snapshot->api_keys;
  bool key_valid = holder->actor == "local" ||
                   std::any_of(keys.begin(), keys.end(), [&](const auto& key) {
                     return key.key_id == holder->actor && key.enabled;
                   });
  if (!key_valid) {
    return Problem::unauthorized("The API key of the stream ticket is gone.");
  }
  if (!scope_allows(holder->scope, route.permission)) {
    return Problem::forbidden("The ticket's scope '" + holder->scope +
                              "' does not allow this request.");
  }
  context.actor = holder->actor;
  return Done{};
}

HttpResponse render_reply(Reply& reply, RequestContext& context,
                          std::shared_ptr<SseStream>* stream) {
  HttpResponse response =
      make_json_response(reply.status, reply.body, context.request_id);
  for (auto& [name, value] : reply.headers) {
    response.set(name, value);
  }
  if (context.stream && stream != nullptr) {
    make_stream_header(response);
    *stream = std::move(context.stream);
  }
  return response;
}

}  // namespace

Dispatcher::Dispatcher(ApiContext& api) : api_(api), router_(all_routes()) {}

const Route* Dispatcher::find_route(http::verb method,
                                    std::string_view target) const {
  return router_.match(method, split_target(target).first).route;
}

HttpResponse Dispatcher::handle(const HttpRequest& request,
                                const boost::asio::ip::address& client,
                                const std::string& request_id,
                                std::shared_ptr<SseStream>* stream) const {
  try {
    return route_request(request, client, request_id, stream);
  } catch (const StoreError& error) {
    spdlog::error("request {}: could not handle {} {}: {}", request_id,
                  request.method_string(), split_target(request.target()).first,
                  error.what());
    return make_problem_response(
        Problem::unavailable("The database is not available."), request_id);
  } catch (const std::exception& error) {
    spdlog::error("request {}: could not handle {} {}: {}", request_id,
                  request.method_string(), split_target(request.target()).first,
                  error.what());
    return make_problem_response(
        Problem::internal("The request failed; see the daemon log."),
        request_id);
  }
}

HttpResponse Dispatcher::route_request(
    const HttpRequest& request, const boost::asio::ip::address& client,
    const std::string& request_id, std::shared_ptr<SseStream>* stream) const {
  auto [path, query_text] = split_target(request.target());
  auto query = parse_query(query_text);
  if (path.empty() || path.front() != '/' || !query) {
    return make_problem_response(
        Problem::bad_request("The request target is malformed."), request_id);
  }

  Router::Match match = router_.match(request.method(), path);
  if (match.route == nullptr && match.allowed.empty()) {
    return make_problem_response(
        Problem::not_found("No route matches " + std::string(path) + "."),
        request_id);
  }
  if (match.route == nullptr) {
    HttpResponse response = make_problem_response(
        method_not_allowed(request.method_string()), request_id);
    response.set(http::field::allow, allow_header(match.allowed));
    return response;
  }

  RequestContext context{request,           api_,
                         request_id,        client,
                         api_.config.snapshot(), std::move(match.path_params),
                         std::move(*query), {}, {}};
  return call_handler(*match.route, context, stream);
}

HttpResponse Dispatcher::call_handler(
    const Route& route, RequestContext& context,
    std::shared_ptr<SseStream>* stream) const {
  if (route.access == Access::key || route.access == Access::stream) {
    if (!context.snapshot->is_active()) {
      return make_problem_response(setup_incomplete(), context.request_id);
    }
    auto ticket = context.query.find("ticket");
    Status admitted = route.access == Access::stream &&
                              ticket != context.query.end()
                          ? redeem_ticket(route, context, ticket->second)
                          : authorize(route, context);
    if (!admitted) {
      HttpResponse response =
          make_problem_response(admitted.problem(), context.request_id);
      if (admitted.problem().status == 401) {
        response.set(http::field::www_authenticate, "Bearer");
      }
      return response;
    }
  }

  if (route.needs_engine && !api_.engine.running()) {
    return make_problem_response(
        Problem::unavailable("The torrent engine is not running."),
        context.request_id);
  }

  const RequestScope request_scope(context.request_id);
  Result<Reply> reply = route.handler(context);
  if (!reply) {
    return make_problem_response(reply.problem(), context.request_id);
  }
  return render_reply(reply.value(), context, stream);
}

}  // namespace revaer
