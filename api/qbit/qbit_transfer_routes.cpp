#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/qbit/qbit_params.hpp"
#include "api/qbit/qbit_preferences.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_routes.hpp"
#include "api/qbit/qbit_transfer.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// The largest rate the settings schema accepts, bytes per second.
constexpr std::int64_t kMaxRateBps = std::numeric_limits<std::int32_t>::max();

// The engine profile's alt_speed object, created (off, unlimited) when
// the profile has none.
json alt_speed_of(const ConfigSnapshot& snapshot) {
  json alt = engine_profile_of(snapshot).value("alt_speed", json());
  if (!alt.is_object()) {
    alt = {{"enabled", false}, {"download_bps", 0}, {"upload_bps", 0}};
  }
  return alt;
}

// Commits an engine_profile change through the config service, which
// applies it to the running engine as PATCH /v1/config does.
Result<Reply> commit_engine_change(RequestContext& context, json change,
                                   const char* what) {
  Result<json> committed = context.api.config.apply_changeset(
      {{"engine_profile", std::move(change)}}, context.actor);
  if (!committed) {
    Problem problem = committed.problem();
    return problem.status == 422 ? Problem::bad_request(problem.detail)
                                 : problem;
  }
  spdlog::info("request {}: {} changed by {}", context.request_id, what,
               context.actor);
  return qbit_ok();
}

Result<Reply> get_transfer_info(RequestContext& context) {
  return qbit_json(qbit_transfer_info(context.api.engine.list(),
                                      *context.snapshot,
                                      context.api.engine.running()));
}

Result<Reply> get_speed_limits_mode(RequestContext& context) {
  return qbit_text(qbit_rate_caps(*context.snapshot).alternative ? "1" : "0");
}

Result<Reply> toggle_speed_limits_mode(RequestContext& context) {
  json alt = alt_speed_of(*context.snapshot);
  alt["enabled"] = !alt.value("enabled", false);
  return commit_engine_change(context, {{"alt_speed", alt}},
                              "alternative speed mode");
}

Result<Reply> get_download_limit(RequestContext& context) {
  return qbit_text(
      std::to_string(qbit_rate_caps(*context.snapshot).download_bps));
}

Result<Reply> get_upload_limit(RequestContext& context) {
  return qbit_text(std::to_string(qbit_rate_caps(*context.snapshot).upload_bps));
}

// Sets the cap in force: the alternative one while alternative speed is
// on, as qBittorrent does. A limit of 0 or below removes the cap.
Result<Reply> set_limit(RequestContext& context, bool download) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) {
    return params.problem();
  }
  Result<std::optional<std::int64_t>> limit = params.value().integer("limit");
  if (!limit) {
    return limit.problem();
  }
  if (!limit.value()) {
    return Problem::bad_request("The parameter 'limit' is missing.");
  }
  std::int64_t bps = std::clamp<std::int64_t>(*limit.value(), 0, kMaxRateBps);
  if (qbit_rate_caps(*context.snapshot).alternative) {
    json alt = alt_speed_of(*context.snapshot);
    alt[download ? "download_bps" : "upload_bps"] = bps;
    return commit_engine_change(context, {{"alt_speed", alt}},
                                "alternative rate cap");
  }
  return commit_engine_change(
      context, {{download ? "max_download_bps" : "max_upload_bps", bps}},
      "global rate cap");
}

Result<Reply> set_download_limit(RequestContext& context) {
  return set_limit(context, true);
}

Result<Reply> set_upload_limit(RequestContext& context) {
  return set_limit(context, false);
}

}  // namespace

std::vector<Route> qbit_transfer_routes() {
  std::vector<Route> routes;
  append_routes(routes, qbit_read_route("/api/v2/transfer/info",
                                        Permission::read, false,
                                        get_transfer_info));
  append_routes(routes, qbit_read_route("/api/v2/transfer/speedLimitsMode",
                                        Permission::read, false,
                                        get_speed_limits_mode));
  append_routes(routes, qbit_read_route("/api/v2/transfer/downloadLimit",
                                        Permission::read, false,
                                        get_download_limit));
  append_routes(routes, qbit_read_route("/api/v2/transfer/uploadLimit",
                                        Permission::read, false,
                                        get_upload_limit));
  routes.push_back({http::verb::post, "/api/v2/transfer/toggleSpeedLimitsMode",
                    Access::qbit, Permission::admin, false, false,
                    toggle_speed_limits_mode});
  routes.push_back({http::verb::post, "/api/v2/transfer/setDownloadLimit",
                    Access::qbit, Permission::admin, false, false,
                    set_download_limit});
  routes.push_back({http::verb::post, "/api/v2/transfer/setUploadLimit",
                    Access::qbit, Permission::admin, false, false,
                    set_upload_limit});
  return routes;
}

}  // namespace revaer
