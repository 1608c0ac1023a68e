#include "cli/api_session.hpp"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace revaer::client {

namespace {

constexpr double kMaxTimeoutSecs = 24.0 * 3600.0;

std::chrono::milliseconds timeout_of(const GlobalOptions& options) {
  const double secs = options.timeout_secs;
  if (!std::isfinite(secs) || secs <= 0.0 || secs > kMaxTimeoutSecs) {
    throw UsageError("invalid --timeout: expected seconds between 0 and " +
                     std::to_string(static_cast<int>(kMaxTimeoutSecs)));
  }
  const auto ms = static_cast<std::int64_t>(std::ceil(secs * 1000.0));
  return std::chrono::milliseconds(ms);
}

HttpClient make_client(const GlobalOptions& options) {
  const auto timeout = timeout_of(options);
  try {
    return HttpClient(options.api_url, timeout);
  } catch (const std::invalid_argument& error) {
    throw UsageError("invalid --api-url '" + options.api_url + "': " + error.what());
  }
}

std::string strip_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
      continue;
    }
    char escaped[4];
    std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
    out += escaped;
  }
  return out;
}

std::string mask_api_key(std::string_view key) {
  if (key.empty()) {
    return "";
  }
  const auto colon = key.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return "***";
  }
  return std::string(key.substr(0, colon)) + ":***";
}

int exit_code_for_status(int status) {
  if (status >= 200 && status < 300) {
    return kExitOk;
  }
  if (status == 429) {
    return kExitRuntime;
  }
  if (status >= 400 && status < 500) {
    return kExitValidation;
  }
  return kExitRuntime;
}

ApiSession::ApiSession(const GlobalOptions& options, std::string request_id, std::ostream& log)
    : options_(options),
      request_id_(std::move(request_id)),
      log_(log),
      http_(make_client(options)) {}

HttpResponse ApiSession::send(const std::string& method, const std::string& target,
                              const std::optional<std::string>& json_body,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.headers = headers;
  request.headers.emplace_back("x-request-id", request_id_);
  request.headers.emplace_back("accept", "application/json");
  if (!options_.api_key.empty()) {
    request.headers.emplace_back("x-revaer-api-key", options_.api_key);
  }
  if (json_body) {
    request.headers.emplace_back("content-type", "application/json");
    request.body = *json_body;
  }

  const auto url = strip_trailing_slash(options_.api_url) + target;
  if (options_.verbose) {
    log_ << "> " << method << ' ' << url << " (x-request-id " << request_id_;
    if (!options_.api_key.empty()) {
      log_ << ", x-revaer-api-key " << mask_api_key(options_.api_key);
    }
    log_ << ")\n";
  }

  auto response = http_.send(request);
  if (options_.verbose) {
    log_ << "< " << response.status << ' ' << method << ' ' << url << '\n';
  }
  return response;
}

}  // namespace revaer::client
