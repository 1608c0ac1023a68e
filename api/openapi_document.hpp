#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/openapi_operation.hpp"
#include "api/router.hpp"

namespace revaer {

// An OpenAPI 3.1 document and the disagreements between the route table
// and the operation documentation it was built from. Each disagreement is
// "METHOD /path". A route without documentation still appears, summarised
// as undocumented. Documentation without a route is left out.
struct OpenApiBuild {
  nlohmann::json document;
  std::vector<std::string> undocumented_routes;
  std::vector<std::string> unrouted_docs;
};

// Builds the document of `routes`, looking each route up in `docs` by
// method and path template. Security requirements, path parameters and
// the Host check, authentication, engine and body-size Problem responses
// come from the routes themselves.
OpenApiBuild build_openapi_document(const std::vector<Route>& routes,
                                    const std::vector<OperationDoc>& docs);

// The shared schemas under components/schemas: Problem, torrents,
// configuration, setup and events.
nlohmann::json openapi_component_schemas();

// The schemas of torrent requests and replies, part of the above.
nlohmann::json openapi_torrent_schemas();

// The schemas of torrent control requests and replies (selection,
// options, trackers, peers, labels, creation), part of the above.
nlohmann::json openapi_torrent_control_schemas();

// The security schemes: the API key header, the Bearer form of the same
// key, the stream ticket and the setup token.
nlohmann::json openapi_security_schemes();

// GET /docs/openapi.json: the document of every route the Dispatcher
// serves, built on the first request. Open in every mode.
std::vector<Route> openapi_routes();

}  // namespace revaer
