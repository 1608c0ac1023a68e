#include "api/health_routes.hpp"

#include "api/health_checks.hpp"
#include "api/torrent_metrics.hpp"
#include "core/clock.hpp"
#include "core/version.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// Returns 200 while the database responds, else 503 (readiness).
Result<Reply> get_health(RequestContext& context) {
  if (!check_database(context.api.store, context.api.health)) {
    Problem problem = Problem::unavailable("The database is not reachable.");
    problem.extensions = {{"degraded", {kDatabaseComponent}}};
    return problem;
  }
  return Reply{http::status::ok, {{"status", "ok"}}, {}, {}};
}

json degraded_json(const std::vector<DegradedComponent>& degraded) {
  json list = json::array();
  for (const DegradedComponent& entry : degraded) {
    list.push_back({{"component", entry.component},
                    {"reason", entry.reason},
                    {"since", format_rfc3339(entry.since_ms)}});
  }
  return list;
}

// The degraded components. Without a registry, only the database check
// of this request is known.
std::vector<DegradedComponent> current_degraded(RequestContext& context, bool database_ok) {
  if (context.api.health != nullptr) {
    return context.api.health->degraded();
  }
  if (database_ok) {
    return {};
  }
  return {{kDatabaseComponent, "the database is not reachable", now_unix_ms()}};
}

// Returns 200 while the database is reachable, degraded or not, so a
// container health check fails only when the daemon cannot serve.
Result<Reply> get_health_full(RequestContext& context) {
  const bool database_ok = check_database(context.api.store, context.api.health);
  const std::vector<DegradedComponent> degraded = current_degraded(context, database_ok);

  json metrics = json::object();
  if (context.api.metrics != nullptr) {
    metrics = context.api.metrics->snapshot();
  }
  json torrents = to_json(count_torrents(context.api.engine));
  // Stored torrents the engine has not loaded since it started; they are
  // missing from the counts above until it has.
  const LoadProgress load = context.api.engine.load_progress();
  torrents["loading"] = load.total - load.loaded;
  json body = {
      {"status", degraded.empty() ? "ok" : "degraded"},
      {"mode", context.snapshot->is_active() ? "active" : "setup"},
      {"revision", context.snapshot->revision},
      {"version", build_version()},
      {"commit", build_commit()},
      {"degraded", degraded_json(degraded)},
      {"metrics", std::move(metrics)},
      {"torrents", std::move(torrents)},
  };
  const auto status = database_ok ? http::status::ok : http::status::service_unavailable;
  return Reply{status, std::move(body), {}, {}};
}

Result<Reply> get_metrics(RequestContext& context) {
  if (context.api.metrics == nullptr) {
    return Problem::unavailable("Metrics are not enabled in this server.");
  }
  Reply reply;
  reply.text = TextBody{kPrometheusContentType, context.api.metrics->render()};
  return reply;
}

}  // namespace

std::vector<Route> health_routes() {
  using http::verb;
  return {
      {verb::get, "/health", Access::open, Permission::read, false, false, get_health},
      {verb::get, "/health/full", Access::open, Permission::read, false, false, get_health_full},
      {verb::get, "/metrics", Access::key_after_setup, Permission::read, false, false, get_metrics},
  };
}

}  // namespace revaer
