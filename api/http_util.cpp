#include "api/http_util.hpp"

#include <algorithm>
#include <cctype>

#include <boost/beast/http/field.hpp>

#include "core/crypto.hpp"
#include "core/version.hpp"

namespace revaer {
namespace {

bool is_request_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '-';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Torrent names and paths come from untrusted metainfo and need not be
// valid UTF-8, so invalid bytes are replaced instead of failing the dump.
std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void set_common_headers(HttpResponse& response,
                        const std::string& request_id) {
  response.set(http::field::server, std::string("revaer/") + build_version());
  response.set(http::field::cache_control, "no-store");
  response.set("x-request-id", request_id);
}

}  // namespace

std::string choose_request_id(std::string_view client_value) {
  bool sane = !client_value.empty() &&
              client_value.size() <= kMaxRequestIdLength &&
              std::all_of(client_value.begin(), client_value.end(),
                          is_request_id_char);
  return sane ? std::string(client_value) : new_uuid();
}

std::optional<std::string> percent_decode(std::string_view text,
                                          bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      decoded.push_back(' ');
      continue;
    }
    if (c != '%') {
      decoded.push_back(c);
      continue;
    }

    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    int high = hex_value(text[i + 1]);
    int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

std::pair<std::string_view, std::string_view> split_target(
    std::string_view target) {
  std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) {
    return {target, {}};
  }
  return {target.substr(0, mark), target.substr(mark + 1)};
}

std::optional<std::multimap<std::string, std::string, std::less<>>>
parse_query(std::string_view query) {
  std::multimap<std::string, std::string, std::less<>> result;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }

    std::size_t eq = pair.find('=');
    std::optional<std::string> key =
        percent_decode(pair.substr(0, eq), true);
    std::optional<std::string> value = percent_decode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
        true);
    if (!key || !value) {
      return std::nullopt;
    }
    result.emplace(std::move(*key), std::move(*value));
  }
  return result;
}

Result<nlohmann::json> parse_json_body(
    std::string_view body, const std::optional<nlohmann::json>& empty_value) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (!empty_value) {
      return Problem::bad_request("The request body must be a JSON document.");
    }
    return *empty_value;
  }

  // The callback drops anything nested too deep, so the document built
  // stays shallow, and the flag turns the drop into an error.
  bool too_deep = false;
  using Event = nlohmann::json::parse_event_t;
  auto limit_depth = [&too_deep](int depth, Event event, nlohmann::json&) {
    // `depth` counts the containers around the one that starts.
    bool opens = event == Event::object_start || event == Event::array_start;
    if (opens && depth >= kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return true;
  };

  nlohmann::json document = nlohmann::json::parse(body, limit_depth, false);
  if (document.is_discarded()) {
    return Problem::bad_request("The request body is not valid JSON.");
  }
  if (too_deep) {
    return Problem::bad_request("The request body nests JSON deeper than " +
                                std::to_string(kMaxJsonDepth) + " levels.");
  }
  return document;
}

HttpResponse make_json_response(http::status status,
                                const nlohmann::json& body,
                                const std::string& request_id) {
  HttpResponse response{status, 11};
  set_common_headers(response, request_id);
  response.set(http::field::content_type, "application/json");
  response.body() = dump_json(body);
  response.prepare_payload();
  return response;
}

HttpResponse make_text_response(http::status status, const TextBody& text,
                                const std::string& request_id) {
  HttpResponse response{status, 11};
  set_common_headers(response, request_id);
  response.set(http::field::content_type, text.content_type);
  response.body() = text.content;
  response.prepare_payload();
  return response;
}

HttpResponse make_problem_response(const Problem& problem,
                                   const std::string& request_id) {
  HttpResponse response{static_cast<http::status>(problem.status), 11};
  set_common_headers(response, request_id);
  response.set(http::field::content_type, "application/problem+json");
  response.body() = dump_json(to_json(problem, request_id));
  response.prepare_payload();
  return response;
}

bool iequals(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

std::string to_lower(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lowered;
}

}  // namespace revaer
