#pragma once

#include <string>
#include <vector>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

namespace revaer {

// One Problem+JSON response of an operation and the condition that causes
// it.
struct ProblemDoc {
  int status = 0;
  std::string when;
};

// The documentation of one route, keyed by its method and path template.
// The OpenAPI generator adds what the route table states itself: path
// parameters and the security requirement of the route's Access and
// Permission. It also adds the Problem responses of the Host check (421),
// authentication (401, 403, 429), the engine (503) and the body size limit
// (413).
struct OperationDoc {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string path;  // the route's pattern, such as "/v1/torrents/{id}"
  std::string operation_id;
  std::string tag;
  std::string summary;
  std::string description;
  // Query and header Parameter Objects. Path parameters come from the
  // route's pattern.
  nlohmann::json parameters = nlohmann::json::array();
  nlohmann::json request_body = nullptr;  // an OpenAPI Request Body Object
  // OpenAPI Response Objects of the successful outcomes, by status code.
  nlohmann::json responses = nlohmann::json::object();
  std::vector<ProblemDoc> problems;
  // The security requirements of an Access::setup route, or null when it
  // needs none.
  nlohmann::json setup_security = nullptr;
};

// Builders for the parts of an OperationDoc that every table repeats.

// A Request Body Object with one application/json schema and example.
nlohmann::json json_request(const std::string& description, nlohmann::json schema,
                            nlohmann::json example);

// A Response Object with one application/json schema and example.
nlohmann::json json_response(const std::string& description, nlohmann::json schema,
                             nlohmann::json example);

// A reference to the component schema `name`.
nlohmann::json schema_ref(const std::string& name);

// An optional query Parameter Object with its schema and an example.
nlohmann::json query_parameter(const std::string& name, const std::string& description,
                               nlohmann::json schema, nlohmann::json example);

// The documentation of every route, from all tables below. The OpenAPI
// test checks that this list and the route table name the same routes.
std::vector<OperationDoc> all_operation_docs();

// Health, discovery, metrics, setup, configuration and the OpenAPI
// document itself.
std::vector<OperationDoc> system_operation_docs();

// Listing, adding, reading and acting on torrents.
std::vector<OperationDoc> torrent_operation_docs();

// File selection, per-torrent options, trackers, web seeds, peers, labels
// and torrent creation.
std::vector<OperationDoc> torrent_control_operation_docs();

// The event streams and their tickets.
std::vector<OperationDoc> event_operation_docs();

}  // namespace revaer
