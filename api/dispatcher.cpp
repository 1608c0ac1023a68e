#include "api/dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "api/http_metrics.hpp"
#include "api/http_util.hpp"
#include "api/openapi_document.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_routes.hpp"
#include "api/qbit/qbit_state.hpp"
#include "api/request_auth.hpp"
#include "api/routes.hpp"
#include "api/sse_service.hpp"
#include "api/sse_stream.hpp"
#include "core/request_scope.hpp"

namespace revaer {
namespace {

using nlohmann::json;

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

// Renders `problem` as Problem+JSON, or as qBittorrent's plain text for the
// /api/v2/ paths of the WebAPI façade.
HttpResponse render_problem(const Problem& problem, const HttpRequest& request,
                            const std::string& request_id) {
  if (is_qbit_path(split_target(request.target()).first)) {
    return make_qbit_problem_response(problem, request_id);
  }
  return make_problem_response(problem, request_id);
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

HttpResponse render_reply(Reply& reply, RequestContext& context,
                          std::shared_ptr<SseStream>* stream) {
  HttpResponse response =
      reply.text
          ? make_text_response(reply.status, *reply.text, context.request_id)
          : make_json_response(reply.status, reply.body, context.request_id);
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

std::vector<Route> all_routes() {
  std::vector<Route> routes = documented_routes();
  std::vector<Route> qbit = qbit_routes();
  routes.insert(routes.end(), std::make_move_iterator(qbit.begin()),
                std::make_move_iterator(qbit.end()));
  return routes;
}

std::vector<Route> documented_routes() {
  std::vector<Route> routes = system_routes();
  for (auto table : {torrent_routes, torrent_create_routes, event_routes,
                     openapi_routes}) {
    std::vector<Route> more = table();
    routes.insert(routes.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  }
  return routes;
}

Dispatcher::Dispatcher(ApiContext& api, RateLimit auth_failure_limit)
    : api_(api),
      router_(all_routes()),
      authenticator_(auth_failure_limit),
      qbit_(std::make_unique<QbitState>(auth_failure_limit)) {}

Dispatcher::~Dispatcher() = default;

const Route* Dispatcher::find_route(http::verb method,
                                    std::string_view target) const {
  return router_.match(method, split_target(target).first).route;
}

// Counts and times every response in http_requests_total{route,code} and
// http_request_duration_seconds{route}, errors included.
HttpResponse Dispatcher::handle(const HttpRequest& request,
                                const boost::asio::ip::address& client,
                                const std::string& request_id,
                                std::shared_ptr<SseStream>* stream) const {
  const auto started = std::chrono::steady_clock::now();
  HttpResponse response = handle_request(request, client, request_id, stream);
  if (api_.metrics != nullptr) {
    record_http_request(*api_.metrics,
                        find_route(request.method(), request.target()),
                        response.result_int(),
                        std::chrono::steady_clock::now() - started);
  }
  return response;
}

HttpResponse Dispatcher::handle_request(
    const HttpRequest& request, const boost::asio::ip::address& client,
    const std::string& request_id, std::shared_ptr<SseStream>* stream) const {
  try {
    return route_request(request, client, request_id, stream);
  } catch (const StoreError& error) {
    spdlog::error("request {}: could not handle {} {}: {}", request_id,
                  request.method_string(), split_target(request.target()).first,
                  error.what());
    return render_problem(
        Problem::unavailable("The database is not available."), request,
        request_id);
  } catch (const std::exception& error) {
    spdlog::error("request {}: could not handle {} {}: {}", request_id,
                  request.method_string(), split_target(request.target()).first,
                  error.what());
    return render_problem(
        Problem::internal("The request failed; see the daemon log."), request,
        request_id);
  }
}

HttpResponse Dispatcher::route_request(
    const HttpRequest& request, const boost::asio::ip::address& client,
    const std::string& request_id, std::shared_ptr<SseStream>* stream) const {
  auto [path, query_text] = split_target(request.target());
  auto query = parse_query(query_text);
  if (path.empty() || path.front() != '/' || !query) {
    return render_problem(
        Problem::bad_request("The request target is malformed."), request,
        request_id);
  }

  Router::Match match = router_.match(request.method(), path);
  if (match.route == nullptr && match.allowed.empty()) {
    return render_problem(
        Problem::not_found("No route matches " + std::string(path) + "."),
        request, request_id);
  }
  if (match.route == nullptr) {
    HttpResponse response = render_problem(
        method_not_allowed(request.method_string()), request, request_id);
    response.set(http::field::allow, allow_header(match.allowed));
    return response;
  }

  RequestContext context{request,           api_,
                         request_id,        client,
                         api_.config.snapshot(), std::move(match.path_params),
                         std::move(*query), {}, {},
                         qbit_.get()};
  return call_handler(*match.route, context, stream);
}

HttpResponse Dispatcher::call_handler(
    const Route& route, RequestContext& context,
    std::shared_ptr<SseStream>* stream) const {
  AuthOutcome auth;
  const bool active = context.snapshot->is_active();
  const bool needs_key = route.access == Access::key ||
                         route.access == Access::stream ||
                         route.access == Access::qbit ||
                         (route.access == Access::key_after_setup && active);
  if (needs_key) {
    if (!active) {
      return render_problem(setup_incomplete(), context.request,
                            context.request_id);
    }
    auth = authenticator_.admit(route, context);
    if (auth.problem) {
      HttpResponse response =
          render_problem(*auth.problem, context.request, context.request_id);
      apply_auth_headers(response, auth);
      return response;
    }
  }

  HttpResponse response = run_handler(route, context, stream);
  apply_auth_headers(response, auth);
  return response;
}

HttpResponse Dispatcher::run_handler(
    const Route& route, RequestContext& context,
    std::shared_ptr<SseStream>* stream) const {
  if (route.needs_engine && !api_.engine.running()) {
    return render_problem(
        Problem::unavailable("The torrent engine is not running."),
        context.request, context.request_id);
  }

  const RequestScope request_scope(context.request_id);
  Result<Reply> reply = route.handler(context);
  if (!reply) {
    return render_problem(reply.problem(), context.request,
                          context.request_id);
  }
  return render_reply(reply.value(), context, stream);
}

}  // namespace revaer
