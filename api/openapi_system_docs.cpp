#include "api/openapi_operation.hpp"

namespace revaer {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

// A configuration snapshot as GET /v1/config returns it, shortened.
json snapshot_example() {
  return json::parse(R"json({
    "revision": 7,
    "app_profile": {"instance_name": "revaer", "mode": "active", "auth_mode": "api_key",
                    "bind_addr": "127.0.0.1", "http_port": 7070},
    "engine_profile": {"listen_port": 6881, "listen_interfaces": ["0.0.0.0", "[::]"],
                       "dht": false, "download_root": "/srv/revaer/downloads"},
    "fs_policy": {"library_root": "/srv/revaer/library", "move_mode": "hardlink"},
    "api_keys": [{"key_id": "admin", "label": "first key", "enabled": true,
                  "scope": "admin", "rate_limit": {"burst": 100, "per_seconds": 60}}]
  })json");
}

json changeset_example() {
  return json::parse(R"json({
    "engine_profile": {"listen_interfaces": ["0.0.0.0"], "listen_port": 6881},
    "fs_policy": {"move_mode": "copy"},
    "api_keys": [{"op": "upsert", "key_id": "sonarr", "scope": "add_only",
                  "rate_limit": {"burst": 20, "per_seconds": 10}}]
  })json");
}

OperationDoc health() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/health";
  doc.operation_id = "getHealth";
  doc.tag = "system";
  doc.summary = "Check readiness";
  doc.description = "Returns 200 while the database responds. Open in every mode.";

  doc.responses["200"] =
      json_response("The database responds.", schema_ref("Health"), {{"status", "ok"}});

  doc.problems = {{503, "The database is not reachable, and degraded lists \"database\"."}};
  return doc;
}

OperationDoc health_full() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/health/full";
  doc.operation_id = "getHealthFull";
  doc.tag = "system";
  doc.summary = "Read the full health report";
  doc.description =
      "Returns the status, mode, revision, build, degraded components, metric totals and "
      "torrent counts. Returns 200 while the database is reachable, degraded or not, so a "
      "container health check fails only when the daemon cannot serve.";
  json example = json::parse(R"json({
    "status": "degraded", "mode": "active", "revision": 7, "version": "0.1.0",
    "commit": "393d4ba",
    "degraded": [{"component": "api_rate_limit_guard", "reason": "key 'ci' has no rate limit",
                  "since": "2026-12-04T16:44:08.846Z"}],
    "metrics": {"http_requests_total": 120},
    "torrents": {"downloading": 1, "seeding": 3}
  })json");

  doc.responses["200"] =
      json_response("The health report.", schema_ref("HealthFull"), std::move(example));

  doc.problems = {{503, "The database is not reachable. The body is still the health report."}};
  return doc;
}

OperationDoc metrics() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/metrics";
  doc.operation_id = "getMetrics";
  doc.tag = "system";
  doc.summary = "Scrape Prometheus metrics";
  doc.description =
      "Returns the metrics in the Prometheus text format 0.0.4. Needs a key of any scope once "
      "setup is complete, and no key before. docs/observability.md lists the metrics.";

  doc.responses["200"] = {{"description", "The metrics."},
                          {"content",
                           {{"text/plain",
                             {{"schema", {{"type", "string"}}},
                              {"example",
                               "# HELP active_torrents Torrents that are not stopped.\n"
                               "# TYPE active_torrents gauge\nactive_torrents 2\n"}}}}}};

  doc.problems = {{503, "Metrics are not enabled in this server."}};
  return doc;
}

OperationDoc well_known() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/.well-known/revaer.json";
  doc.operation_id = "getWellKnown";
  doc.tag = "system";
  doc.summary = "Discover the API";
  doc.description = "Returns the revision, mode, version and API base path. Open in every mode.";

  doc.responses["200"] = json_response(
      "The discovery document.", schema_ref("WellKnown"),
      {{"revision", 7}, {"mode", "active"}, {"version", "0.1.0"}, {"api_base", "/v1"}});
  return doc;
}

OperationDoc openapi_json() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/docs/openapi.json";
  doc.operation_id = "getOpenApiDocument";
  doc.tag = "system";
  doc.summary = "Read this OpenAPI document";
  doc.description =
      "Returns this OpenAPI 3.1 document, generated from the daemon's route table. Open in every "
      "mode, because it contains no secret.";

  doc.responses["200"] = json_response("The OpenAPI document.",
                                       {{"type", "object"},
                                        {"required", json::array({"openapi", "info", "paths"})},
                                        {"properties",
                                         {{"openapi", {{"type", "string"}}},
                                          {"info", {{"type", "object"}}},
                                          {"paths", {{"type", "object"}}}}}},
                                       {{"openapi", "3.1.0"},
                                        {"info", {{"title", "Revaer API"}, {"version", "0.1.0"}}},
                                        {"paths", json::object()}});
  return doc;
}

OperationDoc setup_start() {
  OperationDoc doc;
  doc.method = verb::post;
  doc.path = "/admin/setup/start";
  doc.operation_id = "startSetup";
  doc.tag = "setup";
  doc.summary = "Issue a setup token";
  doc.description =
      "Issues a one-time setup token, shown only in this response. Only clients in "
      "app_profile.local_networks may call it. A new token invalidates the previous one. An "
      "empty body takes the defaults.";

  doc.request_body =
      json_request("Who asks, and the token's lifetime.", schema_ref("SetupStartRequest"),
                   {{"issued_by", "ops@example.org"}, {"ttl_seconds", 900}});
  doc.request_body["required"] = false;
  doc.responses["200"] = json_response(
      "The token.", schema_ref("SetupToken"),
      {{"token", "q3Jv0vLZr4m2cP8uB1nT6wXyE5sA9dKh"}, {"expires_at", "2026-12-04T17:00:00.000Z"}});

  doc.problems = {
      {400, "The body is not valid JSON."},
      {403, "The client address is not in app_profile.local_networks."},
      {409, "Setup is already complete."},
      {422, "A member is unknown or has the wrong type, or ttl_seconds is out of range."},
  };
  return doc;
}

OperationDoc setup_complete() {
  OperationDoc doc;
  doc.method = verb::post;
  doc.path = "/admin/setup/complete";
  doc.operation_id = "completeSetup";
  doc.tag = "setup";
  doc.summary = "Complete setup";
  doc.description =
      "Applies the changeset, creates the first API key with scope admin, switches the mode to "
      "active and consumes the token, all in one transaction. The key's secret is shown only in "
      "this response.";

  doc.request_body = json_request("The first changeset; {} keeps the defaults.",
                                  schema_ref("Changeset"), changeset_example());

  doc.responses["200"] = json_response(
      "Setup is complete.", schema_ref("SetupCompletion"),
      {{"snapshot", snapshot_example()}, {"api_key", "admin:9fJ2kL0pQ7rS4tU1vW8xY5zA3bC6dE0f"}});

  doc.problems = {
      {400, "The body is not valid JSON."},
      {401, "The x-revaer-setup-token header is missing, or the token is wrong or expired."},
      {409, "Setup is already complete, or the token was already used."},
      {422, "The changeset is invalid, and invalid_params names each member. Nothing was applied."},
  };
  doc.setup_security = json::array({{{"setupToken", json::array()}}});
  return doc;
}

OperationDoc get_config() {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = "/v1/config";
  doc.operation_id = "getConfig";
  doc.tag = "config";
  doc.summary = "Read the configuration";
  doc.description =
      "Returns the configuration snapshot with its revision, without secrets. The ETag header "
      "is the revision, for If-Match on PATCH /v1/config.";

  doc.responses["200"] =
      json_response("The snapshot.", schema_ref("ConfigSnapshot"), snapshot_example());
  doc.responses["200"]["headers"] = {
      {"ETag", {{"description", "The revision, quoted"}, {"schema", {{"type", "string"}}}}}};
  return doc;
}

OperationDoc patch_config(const std::string& path, const std::string& operation_id) {
  OperationDoc doc;
  doc.method = verb::patch;
  doc.path = path;
  doc.operation_id = operation_id;
  doc.tag = "config";
  doc.summary = path == "/v1/config" ? "Apply a changeset" : "Apply a changeset (alias)";
  doc.description =
      "Validates and commits a partial configuration in one revision. Engine settings reach "
      "the running session without a restart. An invalid member rejects the whole changeset.";

  doc.parameters = json::array(
      {{{"name", "If-Match"},
        {"in", "header"},
        {"required", false},
        {"description", "Commit only when the configuration is at this revision, such as \"7\""},
        {"schema", {{"type", "string"}}},
        {"example", "\"7\""}}});

  doc.request_body = json_request("The changeset.", schema_ref("Changeset"), changeset_example());
  json example = snapshot_example();
  example["revision"] = 8;

  doc.responses["200"] =
      json_response("The committed snapshot.", schema_ref("ConfigCommit"), std::move(example));
  doc.responses["200"]["headers"] = {
      {"ETag", {{"description", "The new revision, quoted"}, {"schema", {{"type", "string"}}}}}};

  doc.problems = {
      {400, "The body is empty or not valid JSON, or If-Match is not one revision."},
      {412, "If-Match names another revision than the current one. Nothing was applied."},
      {422, "The changeset is invalid, and invalid_params names each member. Nothing was applied."},
      {503, "The database is not available."},
  };
  return doc;
}

}  // namespace

std::vector<OperationDoc> system_operation_docs() {
  return {
      health(),
      health_full(),
      metrics(),
      well_known(),
      openapi_json(),
      setup_start(),
      setup_complete(),
      get_config(),
      patch_config("/v1/config", "patchConfig"),
      patch_config("/admin/settings", "patchAdminSettings"),
  };
}

}  // namespace revaer
