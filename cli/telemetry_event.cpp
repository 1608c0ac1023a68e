#include "cli/telemetry_event.hpp"

#include <exception>

#include "cli/http_client.hpp"

namespace revaer::client {

namespace {

constexpr std::string_view kScheme = "http://";

// Splits "http://host:port/path?query" into the base URL and the target.
std::pair<std::string, std::string> split_endpoint(const std::string& endpoint) {
  if (endpoint.rfind(kScheme, 0) != 0) {
    throw std::invalid_argument("URL must start with http://");
  }
  const auto slash = endpoint.find('/', kScheme.size());
  if (slash == std::string::npos) {
    return {endpoint, "/"};
  }
  return {endpoint.substr(0, slash), endpoint.substr(slash)};
}

}  // namespace

std::string outcome_of(int exit_code) {
  switch (exit_code) {
    case 0:
      return "success";
    case 2:
      return "validation_error";
    case 3:
      return "runtime_error";
    default:
      return "interrupted";
  }
}

nlohmann::json to_json(const TelemetryEvent& event) {
  nlohmann::json body = {{"command", event.command},
                         {"outcome", outcome_of(event.exit_code)},
                         {"trace_id", event.trace_id},
                         {"exit_code", event.exit_code},
                         {"timestamp_ms", event.timestamp_ms}};
  if (!event.message.empty()) {
    body["message"] = event.message;
  }
  return body;
}

void post_telemetry(const std::string& endpoint, const TelemetryEvent& event,
                    std::chrono::milliseconds timeout, bool verbose, std::ostream& log) {
  try {
    const auto [base, target] = split_endpoint(endpoint);
    const HttpClient http(base, timeout);
    HttpRequest request;
    request.method = "POST";
    request.target = target;
    request.headers = {{"content-type", "application/json"}, {"x-request-id", event.trace_id}};
    request.body = to_json(event).dump();

    const auto response = http.send(request);
    if (verbose && (response.status < 200 || response.status >= 300)) {
      log << "telemetry: " << endpoint << " returned HTTP " << response.status << '\n';
    }
  } catch (const std::exception& error) {
    if (verbose) {
      log << "telemetry: could not post to " << endpoint << ": " << error.what() << '\n';
    }
  }
}

}  // namespace revaer::client
