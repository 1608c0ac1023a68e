#include <string>

#include <boost/version.hpp>
#include <libtorrent/version.hpp>
#include <nlohmann/json.hpp>
#include <openssl/opensslv.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include "api/http_util.hpp"
#include "api/qbit/qbit_params.hpp"
#include "api/qbit/qbit_preferences.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_routes.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// The qBittorrent and WebAPI versions the façade claims, so clients pick
// the code paths of qBittorrent 5.1.
constexpr const char* kQbitVersion = "v5.1.4";
constexpr const char* kQbitWebApiVersion = "2.11.4";

Result<Reply> get_version(RequestContext&) { return qbit_text(kQbitVersion); }

Result<Reply> get_webapi_version(RequestContext&) {
  return qbit_text(kQbitWebApiVersion);
}

Result<Reply> get_build_info(RequestContext&) {
  std::string boost_version = std::to_string(BOOST_VERSION / 100000) + "." +
                              std::to_string(BOOST_VERSION / 100 % 1000) +
                              "." + std::to_string(BOOST_VERSION % 100);
  return qbit_json({
      {"qt", ""},  // Revaer has no Qt
      {"libtorrent", LIBTORRENT_VERSION},
      {"boost", boost_version},
      {"openssl", OPENSSL_VERSION_STR},
      {"zlib", ZLIB_VERSION},
      {"bitness", static_cast<int>(sizeof(void*) * 8)},
      {"platform", "linux"},
  });
}

Result<Reply> get_preferences(RequestContext& context) {
  return qbit_json(qbit_preferences(*context.snapshot));
}

// Commits the mapped changeset through the config service, so the engine
// takes it the way it takes PATCH /v1/config.
Result<Reply> set_preferences(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) {
    return params.problem();
  }
  std::optional<std::string> text = params.value().get("json");
  if (!text) {
    return Problem::bad_request("The parameter 'json' is missing.");
  }
  Result<json> preferences = parse_json_body(*text, std::nullopt);
  if (!preferences) {
    return Problem::bad_request("The parameter 'json' is not valid JSON: " +
                                preferences.problem().detail);
  }
  Result<json> changeset =
      qbit_preferences_changeset(preferences.value(), *context.snapshot);
  if (!changeset) {
    return changeset.problem();
  }
  if (changeset.value().empty()) {
    return qbit_ok();
  }
  Result<json> committed =
      context.api.config.apply_changeset(changeset.value(), context.actor);
  if (!committed) {
    Problem problem = committed.problem();
    std::string detail = problem.detail;
    for (const InvalidParam& param : problem.invalid_params) {
      detail += " " + param.pointer + ": " + param.message + ".";
    }
    return problem.status == 422 ? Problem::bad_request(detail) : problem;
  }
  spdlog::info("request {}: qBittorrent preferences changed by {}",
               context.request_id, context.actor);
  return qbit_ok();
}

}  // namespace

std::vector<Route> qbit_app_routes() {
  std::vector<Route> routes;
  append_routes(routes, qbit_read_route("/api/v2/app/version", Permission::read, false,
                      get_version));
  append_routes(routes, qbit_read_route("/api/v2/app/webapiVersion", Permission::read, false,
                      get_webapi_version));
  append_routes(routes, qbit_read_route("/api/v2/app/buildInfo", Permission::read, false,
                      get_build_info));
  append_routes(routes, qbit_read_route("/api/v2/app/preferences", Permission::read, false,
                      get_preferences));
  routes.push_back({http::verb::post, "/api/v2/app/setPreferences",
                    Access::qbit, Permission::admin, false, false,
                    set_preferences});
  return routes;
}

}  // namespace revaer
