#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/http_client.hpp"
#include "cli/options.hpp"

namespace revaer::client {

// Percent-encodes everything but RFC 3986 unreserved characters, for use in
// a query value or a path segment.
std::string percent_encode(std::string_view text);

// Returns the key with its secret hidden: "key_id:***", or "***" when the key
// has no key id part. Empty stays empty.
std::string mask_api_key(std::string_view key);

// Maps an HTTP status to the process exit code: 2xx -> 0, 429 -> 3, other
// 4xx -> 2, anything else -> 3.
int exit_code_for_status(int status);

// Sends the daemon requests of one CLI invocation. Every request carries the
// invocation's x-request-id and, when configured, the API key.
class ApiSession {
 public:
  // `log` receives one line per request and response with --verbose; it
  // must outlive the session. Throws UsageError for an invalid API URL or
  // timeout.
  ApiSession(const GlobalOptions& options, std::string request_id, std::ostream& log);

  // Sends `method target` with an optional JSON body and extra headers.
  // Throws HttpError on transport failure. HTTP error statuses are returned.
  HttpResponse send(const std::string& method, const std::string& target,
                    const std::optional<std::string>& json_body = std::nullopt,
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

  const std::string& request_id() const { return request_id_; }

 private:
  GlobalOptions options_;
  std::string request_id_;
  std::ostream& log_;
  HttpClient http_;
};

}  // namespace revaer::client
