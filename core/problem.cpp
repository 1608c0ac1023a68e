#include "core/problem.hpp"

#include <utility>

namespace revaer {
namespace {

Problem make(int status, const char* type, const char* title,
             std::string detail) {
  Problem problem;
  problem.status = status;
  problem.type = type;
  problem.title = title;
  problem.detail = std::move(detail);
  return problem;
}

}  // namespace

Problem Problem::bad_request(std::string detail) {
  return make(400, "bad-request", "Bad request", std::move(detail));
}

Problem Problem::unprocessable(std::string detail,
                               std::vector<InvalidParam> params) {
  Problem problem =
      make(422, "invalid-input", "Invalid input", std::move(detail));
  problem.invalid_params = std::move(params);
  return problem;
}

Problem Problem::not_found(std::string detail) {
  return make(404, "not-found", "Not found", std::move(detail));
}

Problem Problem::conflict(std::string detail) {
  return make(409, "conflict", "Conflict", std::move(detail));
}

Problem Problem::unauthorized(std::string detail) {
  return make(401, "unauthorized", "Unauthorized", std::move(detail));
}

Problem Problem::forbidden(std::string detail) {
  return make(403, "forbidden", "Forbidden", std::move(detail));
}

Problem Problem::unavailable(std::string detail) {
  return make(503, "unavailable", "Service unavailable", std::move(detail));
}

Problem Problem::internal(std::string detail) {
  return make(500, "internal", "Internal error", std::move(detail));
}

nlohmann::json to_json(const Problem& problem, const std::string& request_id) {
  nlohmann::json body = problem.extensions;
  body["type"] = "urn:revaer:problem:" + problem.type;
  body["title"] = problem.title;
  body["status"] = problem.status;
  body["detail"] = problem.detail;
  if (!problem.invalid_params.empty()) {
    nlohmann::json params = nlohmann::json::array();
    for (const InvalidParam& param : problem.invalid_params) {
      params.push_back({{"pointer", param.pointer}, {"message", param.message}});
    }
    body["invalid_params"] = std::move(params);
  }
  if (!request_id.empty()) {
    body["request_id"] = request_id;
  }
  return body;
}

}  // namespace revaer
