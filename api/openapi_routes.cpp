#include "api/openapi_document.hpp"

#include <spdlog/spdlog.h>

#include "api/dispatcher.hpp"

namespace revaer {
namespace {

// Builds the document once. The route table is fixed at compile time, so
// every request gets the same bytes.
const std::string& served_document() {
  static const std::string document = [] {
    OpenApiBuild build = build_openapi_document(documented_routes(), all_operation_docs());
    for (const std::string& route : build.undocumented_routes) {
      spdlog::warn("openapi: the route {} has no operation documentation", route);
    }
    for (const std::string& operation : build.unrouted_docs) {
      spdlog::warn("openapi: the documented operation {} has no route", operation);
    }
    return build.document.dump();
  }();
  return document;
}

Result<Reply> get_openapi_document(RequestContext&) {
  Reply reply;
  reply.text = TextBody{"application/json", served_document()};
  return reply;
}

}  // namespace

std::vector<Route> openapi_routes() {
  return {
      {http::verb::get, "/docs/openapi.json", Access::open, Permission::read, false, false,
       get_openapi_document},
  };
}

}  // namespace revaer
