#pragma once

#include <utility>

#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <nlohmann/json.hpp>

#include "api/host_check.hpp"
#include "api/http_server.hpp"
#include "core/problem.hpp"

namespace revaer {

// The problems of requests that break an HttpLimits bound.
Problem uri_too_long(std::size_t limit);
Problem header_too_large(std::size_t limit);
Problem too_many_header_fields(std::size_t limit);
Problem payload_too_large(std::size_t limit);
Problem request_timeout();

// Returns true when the first line of `bytes`, up to its CRLF or the end
// of `bytes` when there is none, is longer than `limit`.
bool request_line_exceeds(std::string_view bytes, std::size_t limit);

// Returns the length of "METHOD TARGET HTTP/1.1" of `header`, without CRLF.
std::size_t request_line_length(
    const boost::beast::http::request_header<>& header);

// Checks a parsed request header against the bounds that Beast does not
// enforce: the request line length (414), the number of fields (431) and
// the Host header (400 when missing on HTTP/1.1, repeated or malformed; 421
// when it does not name this server, see is_allowed_host). Returns the
// problem to send, or nullopt.
std::optional<Problem> check_request_header(
    const boost::beast::http::request_header<>& header,
    const HttpLimits& limits, const LocalEndpoint& local,
    const nlohmann::json& allowed_hosts);

}  // namespace revaer
