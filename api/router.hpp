#pragma once

#include <utility>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "api/api_context.hpp"
#include "core/result.hpp"

namespace revaer {

namespace http = boost::beast::http;

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The callers a route admits.
enum class Access {
  open,   // anyone, in every mode
  setup,  // anyone, in every mode, because the handler does its own checks
  key,    // active mode only, with an API key (or auth_mode "none" locally)
  // As `key`, but a single-use `ticket` query parameter from
  // POST /v1/events/ticket may stand in for the key, for browsers.
  stream,
  // Anyone while setup is incomplete, because no key exists yet; as `key`
  // once setup is complete.
  key_after_setup,
  // The qBittorrent WebAPI façade: as `key`, and the SID cookie of
  // POST /api/v2/auth/login admits too. Rejections are 403, never 401.
  qbit,
};

// The scope a key needs for a route guarded by Access::key.
// "admin" keys may do everything, "read_only" keys only read, and
// "add_only" keys may read and add torrents.
enum class Permission { read, add, admin };

class SseStream;
class QbitState;

// Everything a handler learns about one request. Valid for the duration of
// the handler call.
struct RequestContext {
  const HttpRequest& request;
  ApiContext& api;
  std::string request_id;
  boost::asio::ip::address client;
  std::shared_ptr<const ConfigSnapshot> snapshot;
  std::map<std::string, std::string, std::less<>> path_params;
  std::multimap<std::string, std::string, std::less<>> query;
  std::string actor;  // the key id, or "local" under auth_mode "none"
  // The event stream a handler opened. When it is set, the Reply the
  // handler returns contributes only headers.
  std::shared_ptr<SseStream> stream;
  // The sessions and sync state of the qBittorrent façade; set by the
  // Dispatcher.
  QbitState* qbit = nullptr;
};

// A response body that is not JSON, such as the Prometheus exposition.
struct TextBody {
  std::string content_type;
  std::string content;
};

// A successful handler result, rendered as application/json, or as
// `text` when that is set.
struct Reply {
  http::status status = http::status::ok;
  nlohmann::json body = nlohmann::json::object();
  HeaderList headers;
  std::optional<TextBody> text = std::nullopt;
};

using Handler = std::function<Result<Reply>(RequestContext&)>;

struct Route {
  http::verb method;
  std::string pattern;  // "/v1/torrents/{id}", where {id} is one segment
  Access access = Access::key;
  Permission permission = Permission::admin;
  bool needs_engine = false;  // 503 while the engine is not running
  bool large_body = false;    // accepts the upload body limit
  Handler handler;
};

// A route table keyed by method and path pattern. Immutable after
// construction, so it may be shared between threads.
class Router {
 public:
  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string, std::less<>> path_params;
    // Methods of the routes whose pattern matched when none had the
    // request's method. Empty when no pattern matched the path.
    std::vector<http::verb> allowed;
  };

  explicit Router(std::vector<Route> routes);

  // Matches a percent-decoded-on-demand path (no query string).
  Match match(http::verb method, std::string_view path) const;

 private:
  struct Entry {
    Route route;
    std::vector<std::string> segments;
  };

  std::vector<Entry> entries_;
};

// Splits "/a/b/c" into {"a", "b", "c"}. "/" gives one empty segment.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace revaer
