#pragma once

#include <utility>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "api/api_context.hpp"
#include "api/request_auth.hpp"
#include "api/router.hpp"

namespace revaer {

class QbitState;

// Returns every route the Dispatcher serves, from all route tables. The
// authorization tests walk this list, so a new table belongs here.
std::vector<Route> all_routes();

// Returns the routes of the OpenAPI document: all_routes() without the
// qBittorrent WebAPI façade under /api/v2, which docs/qbittorrent.md
// describes because it follows qBittorrent's conventions, not this API's.
std::vector<Route> documented_routes();

// Turns one complete request into a response: routing, setup-mode gating,
// authentication, scope checks and the handler call. Thread-safe, and
// handlers run on the calling thread.
class Dispatcher {
 public:
  // `auth_failure_limit` bounds wrong credentials per client address.
  explicit Dispatcher(ApiContext& api,
                      RateLimit auth_failure_limit = kAuthFailureLimit);
  ~Dispatcher();

  // Returns the route that `method` and `target` select, or nullptr. The
  // connection uses it to choose the body limit before reading the body.
  const Route* find_route(http::verb method, std::string_view target) const;

  // Returns a response that carries `request_id`, with errors as
  // Problem+JSON. A std::exception from a handler becomes a 500 problem
  // (503 for StoreError) and is logged. When the handler opened an event
  // stream, the response is the stream's header and `*stream` receives
  // the stream for the connection to run; `stream` may be null for
  // callers that never route to streams.
  HttpResponse handle(const HttpRequest& request,
                      const boost::asio::ip::address& client,
                      const std::string& request_id,
                      std::shared_ptr<SseStream>* stream = nullptr) const;

 private:
  // handle() without the per-route metrics.
  HttpResponse handle_request(const HttpRequest& request,
                              const boost::asio::ip::address& client,
                              const std::string& request_id,
                              std::shared_ptr<SseStream>* stream) const;
  HttpResponse route_request(const HttpRequest& request,
                             const boost::asio::ip::address& client,
                             const std::string& request_id,
                             std::shared_ptr<SseStream>* stream) const;
  HttpResponse call_handler(const Route& route, RequestContext& context,
                            std::shared_ptr<SseStream>* stream) const;
  HttpResponse run_handler(const Route& route, RequestContext& context,
                           std::shared_ptr<SseStream>* stream) const;

  ApiContext& api_;
  Router router_;
  RequestAuthenticator authenticator_;
  std::unique_ptr<QbitState> qbit_;
};

}  // namespace revaer
