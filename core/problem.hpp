#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace revaer {

// One offending input field, located by a JSON Pointer (RFC 6901).
struct InvalidParam {
  std::string pointer;
  std::string message;
};

// An RFC 9457 problem: the one error vocabulary shared by every component.
// The API layer adds the request id when it renders the problem.
struct Problem {
  int status = 500;
  std::string type;  // a short slug such as "invalid-input"
  std::string title;
  std::string detail;
  std::vector<InvalidParam> invalid_params;
  nlohmann::json extensions = nlohmann::json::object();  // extra members

  static Problem bad_request(std::string detail);
  static Problem unprocessable(std::string detail,
                               std::vector<InvalidParam> params = {});
  static Problem not_found(std::string detail);
  static Problem conflict(std::string detail);
  static Problem unauthorized(std::string detail);
  static Problem forbidden(std::string detail);
  static Problem unavailable(std::string detail);
  static Problem internal(std::string detail);
};

// Renders the problem as an application/problem+json document.
nlohmann::json to_json(const Problem& problem, const std::string& request_id);

}  // namespace revaer
