#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/dispatcher.hpp"
#include "api/openapi_document.hpp"
#include "api/router.hpp"
#include "tests/api/api_fixture.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

constexpr const char* kSampleId = "5f0c2a9e-8d4b-4c1e-9a7f-3b6d2e1c0a94";

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string method_name(http::verb method) {
  return lower_case(std::string(http::to_string(method)));
}

// The document covers /v1, /admin, /health and /docs: documented_routes()
// leaves out the qBittorrent WebAPI façade under /api/v2, which
// docs/qbittorrent.md describes.

// The document as a client sees it: serialised, then parsed again.
json served_document() {
  OpenApiBuild build = build_openapi_document(documented_routes(), all_operation_docs());
  return json::parse(build.document.dump());
}

// Replaces each {name} segment of a path template with a sample value.
std::string sample_path(const std::string& pattern) {
  std::string path;
  for (std::string_view segment : split_path(pattern)) {
    path += "/";
    bool parameter = segment.size() > 2 && segment.front() == '{';
    path += parameter ? std::string(kSampleId) : std::string(segment);
  }
  return path;
}

const json& operation_of(const json& document, const Route& route) {
  return document.at("paths").at(route.pattern).at(method_name(route.method));
}

bool has_status(const json& operation, int status) {
  return operation.at("responses").contains(std::to_string(status));
}

bool takes_query_parameters(const json& operation) {
  if (!operation.contains("parameters")) {
    return false;
  }
  for (const json& parameter : operation.at("parameters")) {
    if (parameter.value("in", "") == "query") {
      return true;
    }
  }
  return false;
}

// Collects every "$ref" value in `node`.
void collect_refs(const json& node, std::set<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [name, value] : node.items()) {
      if (name == "$ref" && value.is_string()) {
        refs.insert(value.get<std::string>());
      } else {
        collect_refs(value, refs);
      }
    }
  } else if (node.is_array()) {
    for (const json& item : node) {
      collect_refs(item, refs);
    }
  }
}

TEST(OpenApiDocument, LeavesOutTheQbitFacade) {
  std::size_t qbit_count = 0;
  for (const Route& route : all_routes()) {
    qbit_count += route.pattern.rfind("/api/v2/", 0) == 0 ? 1 : 0;
  }
  EXPECT_GT(qbit_count, 0u);
  EXPECT_EQ(documented_routes().size() + qbit_count, all_routes().size());
  for (const Route& route : documented_routes()) {
    EXPECT_NE(route.pattern.rfind("/api/v2/", 0), 0u) << route.pattern;
    EXPECT_NE(route.access, Access::qbit) << route.pattern;
  }
}

TEST(OpenApiDocument, ParsesAsOpenApi31) {
  json document = served_document();

  EXPECT_EQ(document.at("openapi"), "3.1.0");
  EXPECT_EQ(document.at("info").at("title"), "Revaer API");
  EXPECT_FALSE(document.at("info").at("version").get<std::string>().empty());
  EXPECT_TRUE(document.at("paths").is_object());
  EXPECT_TRUE(document.at("components").at("schemas").contains("Problem"));
}

TEST(OpenApiDocument, EveryRouteIsDocumented) {
  OpenApiBuild build = build_openapi_document(documented_routes(), all_operation_docs());

  EXPECT_TRUE(build.undocumented_routes.empty())
      << "routes without an OperationDoc: " << json(build.undocumented_routes).dump();
}

TEST(OpenApiDocument, EveryOperationDocHasARoute) {
  OpenApiBuild build = build_openapi_document(documented_routes(), all_operation_docs());

  EXPECT_TRUE(build.unrouted_docs.empty())
      << "OperationDocs without a route: " << json(build.unrouted_docs).dump();
}

TEST(OpenApiDocument, OperationKeysAndIdsAreUnique) {
  std::set<std::pair<http::verb, std::string>> keys;
  std::set<std::string> ids;
  for (const OperationDoc& doc : all_operation_docs()) {
    EXPECT_TRUE(keys.insert({doc.method, doc.path}).second)
        << "documented twice: " << http::to_string(doc.method) << " " << doc.path;
    EXPECT_TRUE(ids.insert(doc.operation_id).second)
        << "operationId used twice: " << doc.operation_id;
  }
}

TEST(OpenApiDocument, ListsTheRoutersOperations) {
  json document = served_document();
  std::vector<Route> routes = documented_routes();

  std::set<std::pair<std::string, std::string>> routed;
  for (const Route& route : routes) {
    routed.insert({method_name(route.method), route.pattern});
  }
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      documented.insert({method, path});
    }
  }
  EXPECT_EQ(documented, routed);

  // The router takes each documented operation to the route it describes.
  Router router(std::move(routes));
  for (const auto& [method, path] : documented) {
    std::string upper = method;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    Router::Match match = router.match(http::string_to_verb(upper), sample_path(path));
    ASSERT_NE(match.route, nullptr) << upper << " " << path;
    EXPECT_EQ(match.route->pattern, path) << upper << " " << path;
  }
}

TEST(OpenApiDocument, EveryOperationHasASuccessResponse) {
  json document = served_document();
  for (const Route& route : documented_routes()) {
    const json& responses = operation_of(document, route).at("responses");
    bool success = false;
    for (const auto& [status, response] : responses.items()) {
      success = success || (status.size() == 3 && status.front() == '2');
    }
    EXPECT_TRUE(success) << route.pattern << " has no 2xx response";
  }
}

TEST(OpenApiDocument, ProblemResponsesWhereTheyApply) {
  json document = served_document();
  for (const Route& route : documented_routes()) {
    const json& operation = operation_of(document, route);
    std::string name = method_name(route.method) + " " + route.pattern;
    bool keyed = route.access == Access::key || route.access == Access::stream ||
                 route.access == Access::key_after_setup;

    if (keyed) {
      EXPECT_TRUE(has_status(operation, 401)) << name;
      EXPECT_TRUE(has_status(operation, 429)) << name;
    }
    if (route.access == Access::key || route.access == Access::stream ||
        (keyed && route.permission != Permission::read)) {
      EXPECT_TRUE(has_status(operation, 403)) << name;
    }
    if (route.pattern.find('{') != std::string::npos) {
      EXPECT_TRUE(has_status(operation, 404)) << name;
    }
    if (operation.contains("requestBody") || takes_query_parameters(operation)) {
      EXPECT_TRUE(has_status(operation, 422)) << name;
    }
    if (route.needs_engine) {
      EXPECT_TRUE(has_status(operation, 503)) << name;
    }
  }
}

TEST(OpenApiDocument, ProblemResponsesUseTheProblemSchema) {
  json document = served_document();
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      for (const auto& [status, response] : operation.at("responses").items()) {
        if (status.front() != '4' && status.front() != '5') {
          continue;
        }
        const json& content = response.at("content").at("application/problem+json");
        EXPECT_EQ(content.at("schema").at("$ref"), "#/components/schemas/Problem")
            << method << " " << path << " " << status;
        EXPECT_EQ(content.at("example").at("status"), std::stoi(status))
            << method << " " << path << " " << status;
      }
    }
  }
}

TEST(OpenApiDocument, SecurityFollowsAccessAndPermission) {
  json document = served_document();
  const std::map<Permission, std::string> roles = {
      {Permission::read, "read"}, {Permission::add, "add"}, {Permission::admin, "admin"}};
  for (const Route& route : documented_routes()) {
    const json& security = operation_of(document, route).at("security");
    std::string name = method_name(route.method) + " " + route.pattern;

    if (route.access == Access::open) {
      EXPECT_TRUE(security.empty()) << name;
      continue;
    }
    if (route.access == Access::setup) {
      continue;  // the handler checks its own token
    }
    json expected_key = {{"apiKey", json::array({roles.at(route.permission)})}};
    json expected_bearer = {{"bearer", json::array({roles.at(route.permission)})}};
    EXPECT_NE(std::find(security.begin(), security.end(), expected_key), security.end()) << name;
    EXPECT_NE(std::find(security.begin(), security.end(), expected_bearer), security.end()) << name;

    bool ticket = std::any_of(security.begin(), security.end(),
                              [](const json& item) { return item.contains("streamTicket"); });
    EXPECT_EQ(ticket, route.access == Access::stream) << name;
    bool optional = std::find(security.begin(), security.end(), json::object()) != security.end();
    EXPECT_EQ(optional, route.access == Access::key_after_setup) << name;
  }
}

TEST(OpenApiDocument, SecuritySchemesMatchTheAcceptedHeaders) {
  json schemes = served_document().at("components").at("securitySchemes");

  EXPECT_EQ(schemes.at("apiKey").at("in"), "header");
  EXPECT_EQ(schemes.at("apiKey").at("name"), "x-revaer-api-key");
  EXPECT_EQ(schemes.at("bearer").at("type"), "http");
  EXPECT_EQ(schemes.at("bearer").at("scheme"), "bearer");
  EXPECT_EQ(schemes.at("streamTicket").at("in"), "query");
  EXPECT_EQ(schemes.at("streamTicket").at("name"), "ticket");
  EXPECT_EQ(schemes.at("setupToken").at("name"), "x-revaer-setup-token");
}

TEST(OpenApiDocument, EveryReferenceResolves) {
  json document = served_document();
  std::set<std::string> refs;
  collect_refs(document, refs);

  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
    EXPECT_TRUE(document.contains(json::json_pointer(ref.substr(1)))) << ref;
  }
}

TEST(OpenApiDocument, OperationsHaveSummariesAndExamples) {
  json document = served_document();
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      std::string name = method + " " + path;
      EXPECT_FALSE(operation.at("summary").get<std::string>().empty()) << name;
      EXPECT_FALSE(operation.at("operationId").get<std::string>().empty()) << name;
      if (operation.contains("requestBody")) {
        for (const auto& [type, media] : operation.at("requestBody").at("content").items()) {
          bool example = media.contains("example") || type == "multipart/form-data";
          EXPECT_TRUE(example) << name << " request " << type;
        }
      }
      for (const auto& [status, response] : operation.at("responses").items()) {
        if (status.front() != '2') {
          continue;
        }
        for (const auto& [type, media] : response.at("content").items()) {
          EXPECT_TRUE(media.contains("example")) << name << " " << status << " " << type;
        }
      }
    }
  }
}

class OpenApiRouteTest : public ApiTest {};

TEST_F(OpenApiRouteTest, ServedWithoutKeyInEveryMode) {
  Reply setup_mode = request(http::verb::get, "/docs/openapi.json");
  ASSERT_EQ(setup_mode.status, 200) << setup_mode.body;
  EXPECT_EQ(setup_mode.header("content-type"), "application/json");
  json document = json::parse(setup_mode.body);
  EXPECT_EQ(document.at("openapi"), "3.1.0");

  complete_setup();
  Reply active_mode = request(http::verb::get, "/docs/openapi.json");
  ASSERT_EQ(active_mode.status, 200) << active_mode.body;
  EXPECT_EQ(active_mode.body, setup_mode.body);
}

}  // namespace
}  // namespace revaer::test
