#include "api/request_bounds.hpp"

#include <string>

#include <boost/beast/http/field.hpp>

namespace revaer {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kMaxQuotedHost = 100;

Problem make_problem(int status, const char* type, const char* title,
                     std::string detail) {
  Problem problem;
  problem.status = status;
  problem.type = type;
  problem.title = title;
  problem.detail = std::move(detail);
  return problem;
}

// Returns `text` cut to a length and with bytes outside printable ASCII
// replaced, fit to quote in a problem detail.
std::string quote(std::string_view text) {
  std::string result(text.substr(0, kMaxQuotedHost));
  for (char& c : result) {
    if (c < 0x20 || c > 0x7e) {
      c = '?';
    }
  }
  return result;
}

std::optional<Problem> check_host(const http::request_header<>& header,
                                  const LocalEndpoint& local,
                                  const nlohmann::json& allowed_hosts) {
  auto hosts = header.equal_range(http::field::host);
  if (hosts.first == hosts.second) {
    if (header.version() >= 11) {
      return Problem::bad_request(
          "The Host header is missing; HTTP/1.1 requests must send it.");
    }
    return std::nullopt;  // HTTP/1.0 clients may omit it
  }
  if (std::next(hosts.first) != hosts.second) {
    return Problem::bad_request("The request has more than one Host header.");
  }

  std::string_view value = hosts.first->value();
  std::optional<std::string> host = parse_host_header(value);
  if (!host) {
    return Problem::bad_request("The Host header '" + quote(value) +
                                "' is malformed.");
  }
  if (!is_allowed_host(*host, local, allowed_hosts)) {
    return make_problem(
        421, "misdirected-request", "Misdirected request",
        "This server does not serve the host '" + quote(*host) +
            "'; add it to app_profile.allowed_hosts to allow it.");
  }
  return std::nullopt;
}

}  // namespace

Problem uri_too_long(std::size_t limit) {
  return make_problem(414, "uri-too-long", "URI too long",
                      "The request line exceeds " + std::to_string(limit) +
                          " bytes.");
}

Problem header_too_large(std::size_t limit) {
  return make_problem(431, "header-too-large",
                      "Request header fields too large",
                      "The request line and header fields exceed " +
                          std::to_string(limit) + " bytes.");
}

Problem too_many_header_fields(std::size_t limit) {
  return make_problem(431, "header-too-large",
                      "Request header fields too large",
                      "The request has more than " + std::to_string(limit) +
                          " header fields.");
}

Problem payload_too_large(std::size_t limit) {
  return make_problem(413, "payload-too-large", "Payload too large",
                      "The request body exceeds the limit of " +
                          std::to_string(limit) + " bytes for this route.");
}

Problem request_timeout() {
  return make_problem(408, "request-timeout", "Request timeout",
                      "The request did not arrive in time.");
}

bool request_line_exceeds(std::string_view bytes, std::size_t limit) {
  std::size_t end = bytes.find("\r\n");
  std::size_t length = end == std::string_view::npos ? bytes.size() : end;
  return length > limit;
}

std::size_t request_line_length(const http::request_header<>& header) {
  constexpr std::size_t kSpaceAndVersion = std::string_view(" HTTP/1.1").size();
  return header.method_string().size() + 1 + header.target().size() +
         kSpaceAndVersion;
}

std::optional<Problem> check_request_header(
    const http::request_header<>& header, const HttpLimits& limits,
    const LocalEndpoint& local, const nlohmann::json& allowed_hosts) {
  if (request_line_length(header) > limits.max_request_line_bytes) {
    return uri_too_long(limits.max_request_line_bytes);
  }

  std::size_t fields =
      static_cast<std::size_t>(std::distance(header.begin(), header.end()));
  if (fields > limits.max_header_fields) {
    return too_many_header_fields(limits.max_header_fields);
  }
  return check_host(header, local, allowed_hosts);
}

}  // namespace revaer
