#include "api/routes.hpp"

#include <charconv>
#include <exception>
#include <iterator>
#include <optional>

#include <spdlog/spdlog.h>

#include "api/cidr.hpp"
#include "api/health_routes.hpp"
#include "api/http_util.hpp"
#include "core/clock.hpp"
#include "core/version.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// The entity tag of a configuration snapshot: its revision, quoted.
std::string revision_etag(std::int64_t revision) {
  return "\"" + std::to_string(revision) + "\"";
}

// Reads If-Match as one revision: 12, "12" or W/"12". Returns nullopt for
// an absent header or "*", which match any revision.
Result<std::optional<std::int64_t>> parse_if_match(const HttpRequest& request) {
  const auto header = request.find(http::field::if_match);
  if (header == request.end()) {
    return std::optional<std::int64_t>();
  }
  std::string_view value = header->value();
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (value == "*") {
    return std::optional<std::int64_t>();
  }
  if (value.substr(0, 2) == "W/") {
    value.remove_prefix(2);
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  std::int64_t revision = 0;
  const auto [end, error] =
      std::from_chars(value.data(), value.data() + value.size(), revision);
  if (value.empty() || error != std::errc() ||
      end != value.data() + value.size() || revision < 0) {
    return Problem::bad_request(
        "If-Match must be one configuration revision, such as \"12\".");
  }
  return std::optional<std::int64_t>(revision);
}

Result<Reply> get_well_known(RequestContext& context) {
  json body = {
      {"revision", context.snapshot->revision},
      {"mode", context.snapshot->is_active() ? "active" : "setup"},
      {"version", build_version()},
      {"api_base", "/v1"},
  };
  return Reply{http::status::ok, std::move(body), {}};
}

// Reads the optional members of a setup start body.
Result<std::pair<std::string, std::optional<std::int64_t>>> parse_setup_start(
    const json& body, const std::string& default_issuer) {
  std::vector<InvalidParam> params;
  if (!body.is_object()) {
    return Problem::unprocessable("The request body must be a JSON object.",
                                  {{"", "must be an object"}});
  }

  std::string issued_by = default_issuer;
  std::optional<std::int64_t> ttl_seconds;
  for (const auto& [name, value] : body.items()) {
    if (name == "issued_by" && value.is_string()) {
      issued_by = value.get<std::string>();
    } else if (name == "issued_by") {
      params.push_back({"/issued_by", "must be a string"});
    } else if (name == "ttl_seconds" && value.is_number_integer()) {
      ttl_seconds = value.get<std::int64_t>();
    } else if (name == "ttl_seconds") {
      params.push_back({"/ttl_seconds", "must be an integer"});
    } else {
      params.push_back({"/" + name, "is not a supported member"});
    }
  }

  if (!params.empty()) {
    return Problem::unprocessable("The setup request is invalid.",
                                  std::move(params));
  }
  return std::pair{issued_by, ttl_seconds};
}

Result<Reply> post_setup_start(RequestContext& context) {
  const json& networks = context.snapshot->app_profile.value(
      "local_networks", json::array());
  if (!is_local_network(context.client, networks)) {
    return Problem::forbidden(
        "Setup can only be started from a local-network address.");
  }

  Result<json> body = parse_json_body(context.request.body(), json::object());
  if (!body) {
    return body.problem();
  }
  auto options =
      parse_setup_start(body.value(), "api@" + context.client.to_string());
  if (!options) {
    return options.problem();
  }

  Result<SetupTicket> ticket = context.api.config.start_setup(
      options.value().first, options.value().second);
  if (!ticket) {
    return ticket.problem();
  }
  json reply = {
      {"token", ticket.value().token},
      {"expires_at", format_rfc3339(ticket.value().expires_at_ms)},
  };
  return Reply{http::status::ok, std::move(reply), {}};
}

void notify_setup_completed(RequestContext& context) {
  if (!context.api.on_setup_completed) {
    return;
  }
  try {
    context.api.on_setup_completed();
  } catch (const std::exception& error) {
    spdlog::error("request {}: setup-completed hook failed: {}",
                  context.request_id, error.what());
  }
}

Result<Reply> post_setup_complete(RequestContext& context) {
  auto token = context.request.find("x-revaer-setup-token");
  if (token == context.request.end() || token->value().empty()) {
    return Problem::unauthorized("The x-revaer-setup-token header is missing.");
  }

  Result<json> changeset =
      parse_json_body(context.request.body(), json::object());
  if (!changeset) {
    return changeset.problem();
  }

  Result<SetupCompletion> completion = context.api.config.complete_setup(
      std::string_view(token->value()), changeset.value());
  if (!completion) {
    return completion.problem();
  }
  spdlog::info("request {}: setup completed", context.request_id);
  notify_setup_completed(context);

  json reply = {
      {"snapshot", std::move(completion.value().snapshot)},
      {"api_key", std::move(completion.value().api_key)},
  };
  return Reply{http::status::ok, std::move(reply), {}};
}

Result<Reply> get_config(RequestContext& context) {
  return Reply{http::status::ok, context.snapshot->to_public_json(),
               {{"etag", revision_etag(context.snapshot->revision)}}};
}

// Commits a changeset with an optional If-Match revision. A stale revision
// returns 412 and changes nothing; a database outage throws StoreError,
// which the dispatcher turns into 503.
Result<Reply> patch_config(RequestContext& context) {
  Result<std::optional<std::int64_t>> expected = parse_if_match(context.request);
  if (!expected) {
    return expected.problem();
  }
  Result<json> changeset = parse_json_body(context.request.body(), std::nullopt);
  if (!changeset) {
    return changeset.problem();
  }

  Result<json> snapshot = context.api.config.apply_changeset(
      changeset.value(), context.actor, expected.value());
  if (!snapshot) {
    return snapshot.problem();
  }
  std::string etag =
      revision_etag(snapshot.value().at("revision").get<std::int64_t>());
  return Reply{http::status::ok, std::move(snapshot.value()),
               {{"etag", std::move(etag)}}};
}

}  // namespace

std::vector<Route> system_routes() {
  using http::verb;
  std::vector<Route> routes = health_routes();
  std::vector<Route> more = {
      {verb::get, "/.well-known/revaer.json", Access::open, Permission::read,
       false, false, get_well_known},
      {verb::post, "/admin/setup/start", Access::setup, Permission::admin,
       false, false, post_setup_start},
      {verb::post, "/admin/setup/complete", Access::setup, Permission::admin,
       false, false, post_setup_complete},
      {verb::get, "/v1/config", Access::key, Permission::read, false, false,
       get_config},
      {verb::patch, "/v1/config", Access::key, Permission::admin, false, false,
       patch_config},
      {verb::patch, "/admin/settings", Access::key, Permission::admin, false,
       false, patch_config},
  };
  routes.insert(routes.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  return routes;
}

}  // namespace revaer
