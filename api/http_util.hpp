#pragma once

#include <utility>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

#include "api/router.hpp"
#include "core/problem.hpp"
#include "core/result.hpp"

namespace revaer {

constexpr std::size_t kMaxRequestIdLength = 128;
constexpr int kMaxJsonDepth = 32;

// Returns the client's x-request-id when it is 1 to 128 characters of
// [A-Za-z0-9._-], otherwise a new UUID.
std::string choose_request_id(std::string_view client_value);

// Decodes %XX escapes, and '+' as a space when `plus_is_space`. Returns
// nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text,
                                          bool plus_is_space);

// Splits a request target into its path and its query string (without '?').
std::pair<std::string_view, std::string_view> split_target(
    std::string_view target);

// Parses "a=1&b=2" into decoded pairs. Returns nullopt for a malformed
// escape.
std::optional<std::multimap<std::string, std::string, std::less<>>>
parse_query(std::string_view query);

// Parses a request body as JSON. An empty body gives `empty_value`, or a 400
// problem when there is none. Syntax errors and nesting deeper than
// kMaxJsonDepth are 400 problems too.
Result<nlohmann::json> parse_json_body(
    std::string_view body, const std::optional<nlohmann::json>& empty_value);

// Builds a response whose body is `body` as application/json.
HttpResponse make_json_response(http::status status,
                                const nlohmann::json& body,
                                const std::string& request_id);

// Builds a response whose body is `text` with its content type.
HttpResponse make_text_response(http::status status, const TextBody& text,
                                const std::string& request_id);

// Builds an application/problem+json response for `problem`.
HttpResponse make_problem_response(const Problem& problem,
                                   const std::string& request_id);

// Returns true when `text` equals `lower` ignoring ASCII case. `lower`
// must be lower-case.
bool iequals(std::string_view text, std::string_view lower);

// Returns `text` in ASCII lower case.
std::string to_lower(std::string_view text);

}  // namespace revaer
