#include "cli/problem_output.hpp"

#include <nlohmann/json.hpp>

#include "cli/json_fields.hpp"

namespace revaer::client {

namespace {

constexpr std::size_t kMaxRawBody = 512;

void print_problem_json(std::ostream& err, const nlohmann::json& problem, int status) {
  auto title = string_field(problem, "title");
  if (title.empty()) {
    title = "request failed";
  }
  err << "error: " << title << " (HTTP " << status << ")\n";

  const auto detail = string_field(problem, "detail");
  if (!detail.empty()) {
    err << "  " << detail << '\n';
  }

  const auto params = problem.find("invalid_params");
  if (params == problem.end() || !params->is_array()) {
    return;
  }
  for (const auto& param : *params) {
    err << "  " << string_field(param, "pointer") << ": " << string_field(param, "message") << '\n';
  }
}

void print_raw(std::ostream& err, const HttpResponse& response) {
  err << "error: HTTP " << response.status << '\n';
  if (response.body.empty()) {
    return;
  }
  err << "  " << response.body.substr(0, kMaxRawBody);
  if (response.body.size() > kMaxRawBody) {
    err << "...";
  }
  err << '\n';
}

}  // namespace

void print_problem(std::ostream& err, const HttpResponse& response, const std::string& request_id) {
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && (body.contains("title") || body.contains("detail"))) {
    print_problem_json(err, body, response.status);
  } else {
    print_raw(err, response);
  }

  const auto retry = response.headers.find("retry-after");
  if (retry != response.headers.end()) {
    err << "  retry after " << retry->second << " s\n";
  }
  err << "request id: " << request_id << '\n';
}

}  // namespace revaer::client
