#include "api/openapi_document.hpp"

#include <map>
#include <string_view>
#include <utility>

#include "core/version.hpp"

namespace revaer {
namespace {

using nlohmann::json;

std::string route_key(http::verb method, std::string_view path) {
  return std::string(http::to_string(method)) + " " + std::string(path);
}

std::string lower_case(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return result;
}

const char* permission_name(Permission permission) {
  switch (permission) {
    case Permission::read:
      return "read";
    case Permission::add:
      return "add";
    case Permission::admin:
      return "admin";
  }
  return "admin";
}

const char* access_name(Access access) {
  switch (access) {
    case Access::open:
      return "open";
    case Access::setup:
      return "setup";
    case Access::key:
      return "key";
    case Access::stream:
      return "stream";
    case Access::key_after_setup:
      return "key_after_setup";
    case Access::qbit:
      return "qbit";
  }
  return "key";
}

bool needs_key(Access access) {
  return access == Access::key || access == Access::stream || access == Access::key_after_setup;
}

// The names of the {name} segments of a path template, in order.
std::vector<std::string> path_parameter_names(std::string_view pattern) {
  std::vector<std::string> names;
  for (std::string_view segment : split_path(pattern)) {
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      names.emplace_back(segment.substr(1, segment.size() - 2));
    }
  }
  return names;
}

json path_parameter(const std::string& name) {
  if (name == "id") {
    return {{"$ref", "#/components/parameters/TorrentId"}};
  }
  return {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
}

// Security requirements of a route: API key roles name the Permission.
json security_of(const Route& route, const OperationDoc* doc) {
  json roles = json::array({permission_name(route.permission)});
  json keyed = json::array({{{"apiKey", roles}}, {{"bearer", roles}}});
  switch (route.access) {
    case Access::open:
      return json::array();
    case Access::setup:
      return doc != nullptr && !doc->setup_security.is_null() ? doc->setup_security : json::array();
    case Access::key:
    case Access::qbit:  // documented_routes() leaves these routes out
      return keyed;
    case Access::stream:
      keyed.push_back({{"streamTicket", roles}});
      return keyed;
    case Access::key_after_setup:
      keyed.push_back(json::object());  // no key while setup is incomplete
      return keyed;
  }
  return keyed;
}

struct ProblemKind {
  const char* type;
  const char* title;
};

ProblemKind problem_kind(int status) {
  static const std::map<int, ProblemKind> kinds = {
      {400, {"bad-request", "Bad request"}},
      {401, {"unauthorized", "Unauthorized"}},
      {403, {"forbidden", "Forbidden"}},
      {404, {"not-found", "Not found"}},
      {409, {"conflict", "Conflict"}},
      {412, {"precondition-failed", "Precondition failed"}},
      {413, {"payload-too-large", "Payload too large"}},
      {415, {"unsupported-media-type", "Unsupported media type"}},
      {421, {"misdirected-request", "Misdirected request"}},
      {422, {"invalid-input", "Invalid input"}},
      {429, {"rate-limited", "Too many requests"}},
      {503, {"unavailable", "Service unavailable"}},
  };
  auto kind = kinds.find(status);
  return kind != kinds.end() ? kind->second : ProblemKind{"internal", "Internal error"};
}

// The Problem responses the route table implies: the Host check of every
// request, authentication, the engine and the body size limit.
std::vector<ProblemDoc> implied_problems(const Route& route, const OperationDoc* doc) {
  std::vector<ProblemDoc> problems = {
      {421,
       "The Host header names neither an address of this server nor an entry of "
       "app_profile.allowed_hosts."}};
  if (needs_key(route.access)) {
    problems.push_back({401, route.access == Access::stream
                                 ? "The API key or stream ticket is missing, unknown, used "
                                   "or wrong, or its key was disabled."
                                 : "The API key is missing, unknown, disabled or wrong."});
    problems.push_back({429,
                        "The API key's rate limit is used up, or this client address "
                        "sent too many wrong credentials; Retry-After says when to "
                        "retry."});
  }
  if (route.access == Access::key || route.access == Access::stream) {
    problems.push_back({403,
                        "Setup is incomplete (type setup-incomplete), or the key's "
                        "scope does not grant the " +
                            std::string(permission_name(route.permission)) + " permission."});
  } else if (route.access == Access::key_after_setup && route.permission != Permission::read) {
    problems.push_back({403, "The key's scope does not grant the " +
                                 std::string(permission_name(route.permission)) + " permission."});
  }
  if (route.needs_engine) {
    problems.push_back({503, "The torrent engine is not running."});
  }
  if (doc != nullptr && !doc->request_body.is_null()) {
    problems.push_back({413, route.large_body
                                 ? "The body is over the upload limit (16 MiB by default)."
                                 : "The body is over the limit (1 MiB by default)."});
  }
  return problems;
}

json problem_response(int status, const std::string& description) {
  ProblemKind kind = problem_kind(status);
  json example = {
      {"type", std::string("urn:revaer:problem:") + kind.type},
      {"title", kind.title},
      {"status", status},
      {"detail", description},
      {"request_id", "6c0d8f3e-2f0b-4a5e-9d7c-1b2a3c4d5e6f"},
  };
  json response = {
      {"description", description},
      {"content",
       {{"application/problem+json", {{"schema", schema_ref("Problem")}, {"example", example}}}}},
  };
  if (status == 401) {
    response["headers"] = {
        {"WWW-Authenticate", {{"$ref", "#/components/headers/WWW-Authenticate"}}}};
  } else if (status == 429) {
    response["headers"] = {{"Retry-After", {{"$ref", "#/components/headers/Retry-After"}}}};
  }
  return response;
}

// Merges the documented and the implied Problem responses into
// `responses`. Conditions of one status are joined into one description.
void add_problem_responses(json& responses, const Route& route, const OperationDoc* doc) {
  std::map<int, std::string> conditions;
  auto add = [&conditions](const ProblemDoc& problem) {
    std::string& text = conditions[problem.status];
    text += text.empty() ? problem.when : " " + problem.when;
  };
  if (doc != nullptr) {
    for (const ProblemDoc& problem : doc->problems) {
      add(problem);
    }
  }
  for (const ProblemDoc& problem : implied_problems(route, doc)) {
    add(problem);
  }
  for (const auto& [status, description] : conditions) {
    responses[std::to_string(status)] = problem_response(status, description);
  }
}

json build_operation(const Route& route, const OperationDoc* doc) {
  json operation;
  json parameters = json::array();
  for (const std::string& name : path_parameter_names(route.pattern)) {
    parameters.push_back(path_parameter(name));
  }
  json responses = json::object();

  if (doc != nullptr) {
    operation["operationId"] = doc->operation_id;
    operation["tags"] = json::array({doc->tag});
    operation["summary"] = doc->summary;
    operation["description"] = doc->description;
    for (const json& parameter : doc->parameters) {
      parameters.push_back(parameter);
    }
    if (!doc->request_body.is_null()) {
      operation["requestBody"] = doc->request_body;
    }
    responses = doc->responses;
  } else {
    operation["summary"] = "Undocumented route";
    operation["description"] = "This route has no entry in the operation documentation yet.";
  }

  if (!parameters.empty()) {
    operation["parameters"] = std::move(parameters);
  }
  add_problem_responses(responses, route, doc);
  operation["responses"] = std::move(responses);
  operation["security"] = security_of(route, doc);
  operation["x-revaer-access"] = access_name(route.access);
  if (needs_key(route.access)) {
    operation["x-revaer-permission"] = permission_name(route.permission);
  }
  return operation;
}

json document_components() {
  return {
      {"schemas", openapi_component_schemas()},
      {"securitySchemes", openapi_security_schemes()},
      {"parameters",
       {{"TorrentId",
         {{"name", "id"},
          {"in", "path"},
          {"required", true},
          {"description", "The torrent's id"},
          {"schema", {{"type", "string"}, {"format", "uuid"}}}}}}},
      {"headers",
       {{"WWW-Authenticate",
         {{"description", "Bearer, the scheme the API key may be sent in"},
          {"schema", {{"type", "string"}}}}},
        {"Retry-After",
         {{"description", "Seconds until a request may succeed again"},
          {"schema", {{"type", "integer"}, {"minimum", 0}}}}}}},
  };
}

json document_tags() {
  return json::array({
      {{"name", "system"}, {"description", "Health, discovery, metrics and this document"}},
      {{"name", "setup"},
       {"description",
        "The first start: a setup token, then the first "
        "changeset and API key"}},
      {{"name", "config"}, {"description", "The configuration snapshot and changesets"}},
      {{"name", "torrents"}, {"description", "Adding, listing, reading and controlling torrents"}},
      {{"name", "events"}, {"description", "Server-Sent Events and stream tickets"}},
  });
}

json document_skeleton() {
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Revaer API"},
        {"version", build_version()},
        {"description",
         "The HTTP API of revaerd, a torrent daemon. Errors are "
         "application/problem+json (RFC 9457). Every response carries "
         "x-request-id. Until setup completes, only routes whose "
         "x-revaer-access is open, setup or key_after_setup respond. The "
         "others return 403 with the type setup-incomplete."}}},
      {"servers",
       json::array({{{"url", "/"}, {"description", "The daemon that serves this document"}}})},
      {"tags", document_tags()},
      {"paths", json::object()},
      {"components", document_components()},
  };
}

}  // namespace

OpenApiBuild build_openapi_document(const std::vector<Route>& routes,
                                    const std::vector<OperationDoc>& docs) {
  std::map<std::string, const OperationDoc*> by_key;
  for (const OperationDoc& doc : docs) {
    by_key[route_key(doc.method, doc.path)] = &doc;
  }

  OpenApiBuild build;
  build.document = document_skeleton();
  json& paths = build.document["paths"];
  for (const Route& route : routes) {
    std::string key = route_key(route.method, route.pattern);
    auto found = by_key.find(key);
    const OperationDoc* doc = nullptr;
    if (found == by_key.end()) {
      build.undocumented_routes.push_back(key);
    } else {
      doc = found->second;
      by_key.erase(found);
    }
    paths[route.pattern][lower_case(http::to_string(route.method))] = build_operation(route, doc);
  }

  for (const auto& [key, doc] : by_key) {
    build.unrouted_docs.push_back(key);
  }
  return build;
}

}  // namespace revaer
