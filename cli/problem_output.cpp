#include "cli/problem_output.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/json_fields.hpp"

namespace revaer::client {

namespace {

constexpr std::size_t kMaxRawBody = 512;

// Replaces control characters (ESC, CR, BEL, ...) with '?', so text from
// the daemon cannot move the cursor, recolour or retitle the terminal.
// Bytes of 0x80 and above pass, so UTF-8 names stay readable.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      c = '?';
    }
  }
  return out;
}

void print_problem_json(std::ostream& err, const nlohmann::json& problem, int status) {
  auto title = string_field(problem, "title");
  if (title.empty()) {
    title = "request failed";
  }
  err << "error: " << printable(title) << " (HTTP " << status << ")\n";

  const auto detail = string_field(problem, "detail");
  if (!detail.empty()) {
    err << "  " << printable(detail) << '\n';
  }

  const auto params = problem.find("invalid_params");
  if (params == problem.end() || !params->is_array()) {
    return;
  }
  for (const auto& param : *params) {
    err << "  " << printable(string_field(param, "pointer")) << ": "
        << printable(string_field(param, "message")) << '\n';
  }
}

void print_raw(std::ostream& err, const HttpResponse& response) {
  err << "error: HTTP " << response.status << '\n';
  if (response.body.empty()) {
    return;
  }
  err << "  " << printable(std::string_view(response.body).substr(0, kMaxRawBody));
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
    err << "  retry after " << printable(retry->second) << " s\n";
  }
  err << "request id: " << request_id << '\n';
}

}  // namespace revaer::client
