#include "api/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include "api/http_util.hpp"

namespace revaer {
namespace {

constexpr std::size_t kMaxBoundaryLength = 70;
constexpr std::string_view kCrlf = "\r\n";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Reads one parameter value, quoted (with backslash escapes) or a token,
// and moves `text` past it. Returns nullopt for an unclosed quote.
std::optional<std::string> read_value(std::string_view& text) {
  if (text.empty() || text.front() != '"') {
    std::size_t end = text.find(';');
    std::string value(trim(text.substr(0, end)));
    text = end == std::string_view::npos ? std::string_view()
                                         : text.substr(end);
    return value;
  }

  std::string value;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      value += text[++i];
    } else if (text[i] == '"') {
      text.remove_prefix(i + 1);
      return value;
    } else {
      value += text[i];
    }
  }
  return std::nullopt;
}

// Splits "type; a=1; b=\"x\"" into the lower-case type and parameters with
// lower-case names. Returns nullopt for a malformed parameter.
std::optional<std::pair<std::string, std::map<std::string, std::string>>>
split_header_value(std::string_view text) {
  std::size_t semicolon = text.find(';');
  std::string type = to_lower(trim(text.substr(0, semicolon)));
  std::map<std::string, std::string> params;
  text = semicolon == std::string_view::npos ? std::string_view()
                                             : text.substr(semicolon);

  while (!text.empty()) {
    text = trim(text.substr(1));  // past ';'
    if (text.empty()) {
      break;
    }
    std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) {
      return std::nullopt;
    }
    std::string name = to_lower(trim(text.substr(0, equals)));
    text = trim(text.substr(equals + 1));
    std::optional<std::string> value = read_value(text);
    if (!value || name.empty()) {
      return std::nullopt;
    }
    params[name] = std::move(*value);
    text = trim(text);
    if (!text.empty() && text.front() != ';') {
      return std::nullopt;
    }
  }
  return std::make_pair(std::move(type), std::move(params));
}

bool is_boundary_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

Problem invalid_form(const std::string& detail) {
  return Problem::bad_request("The multipart body is invalid: " + detail +
                              ".");
}

// Reads the header block of one part into `part`.
Status read_part_headers(std::string_view block, const MultipartLimits& limits,
                         MultipartPart& part) {
  bool has_disposition = false;
  std::size_t fields = 0;
  while (!block.empty()) {
    std::size_t end = block.find(kCrlf);
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view()
                                          : block.substr(end + 2);
    if (++fields > limits.max_header_fields) {
      return invalid_form("a part has more than " +
                          std::to_string(limits.max_header_fields) +
                          " header fields");
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' ||
        line[0] == '\t') {
      return invalid_form("a part has a malformed header line");
    }

    std::string name = to_lower(line.substr(0, colon));
    auto value = split_header_value(line.substr(colon + 1));
    if (!value) {
      return invalid_form("a part has a malformed " + name + " header");
    }
    if (name == "content-type") {
      part.content_type = value->first;
    } else if (name == "content-disposition") {
      if (value->first != "form-data" || value->second["name"].empty()) {
        return invalid_form(
            "Content-Disposition must be form-data with a name");
      }
      has_disposition = true;
      part.name = value->second["name"];
      auto filename = value->second.find("filename");
      if (filename != value->second.end()) {
        part.filename = filename->second;
      }
    }
  }

  if (!has_disposition) {
    return invalid_form("a part has no Content-Disposition header");
  }
  if (part.content_type.rfind("multipart/", 0) == 0) {
    return invalid_form("part '" + part.name +
                        "' is itself multipart, which is not supported");
  }
  return Done{};
}

// Reads one part starting right after its delimiter line and moves `rest`
// to the delimiter that ends it ("--boundary").
Result<MultipartPart> read_part(std::string_view& rest,
                                std::string_view delimiter,
                                const MultipartLimits& limits) {
  MultipartPart part;
  std::size_t header_end = rest.find("\r\n\r\n");
  bool no_headers = rest.substr(0, 2) == kCrlf;
  if (!no_headers && (header_end == std::string_view::npos ||
                      header_end > limits.max_header_bytes)) {
    return invalid_form(header_end == std::string_view::npos &&
                                rest.size() <= limits.max_header_bytes
                            ? "a part's headers are truncated"
                            : "a part's headers exceed " +
                                  std::to_string(limits.max_header_bytes) +
                                  " bytes");
  }

  std::string_view block = no_headers ? std::string_view()
                                      : rest.substr(0, header_end);
  Status headers = read_part_headers(block, limits, part);
  if (!headers) {
    return headers.problem();
  }
  rest.remove_prefix(no_headers ? 2 : header_end + 4);

  std::string closing = std::string(kCrlf) + std::string(delimiter);
  std::size_t end = rest.find(closing);
  if (end == std::string_view::npos) {
    return invalid_form("part '" + part.name +
                        "' is truncated: its closing boundary is missing");
  }
  if (end > limits.max_part_bytes) {
    return invalid_form("part '" + part.name + "' exceeds " +
                        std::to_string(limits.max_part_bytes) + " bytes");
  }
  part.data = std::string(rest.substr(0, end));
  rest.remove_prefix(end + 2);
  return part;
}

// Moves `rest` past the delimiter line at its start. Returns true when
// that delimiter closes the body ("--boundary--").
Result<bool> pass_delimiter(std::string_view& rest,
                            std::string_view delimiter) {
  rest.remove_prefix(delimiter.size());
  if (rest.substr(0, 2) == "--") {
    return true;
  }
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) {
    rest.remove_prefix(1);
  }
  if (rest.substr(0, 2) != kCrlf) {
    return invalid_form("a boundary line is not followed by CRLF");
  }
  rest.remove_prefix(2);
  return false;
}

}  // namespace

bool is_multipart_form(std::string_view content_type) {
  auto value = split_header_value(content_type);
  return value && value->first == "multipart/form-data";
}

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  auto value = split_header_value(content_type);
  if (!value || value->first.rfind("multipart/", 0) != 0) {
    return std::nullopt;
  }
  auto found = value->second.find("boundary");
  if (found == value->second.end()) {
    return std::nullopt;
  }
  const std::string& boundary = found->second;
  if (boundary.empty() || boundary.size() > kMaxBoundaryLength ||
      boundary.back() == ' ' ||
      !std::all_of(boundary.begin(), boundary.end(), is_boundary_character)) {
    return std::nullopt;
  }
  return boundary;
}

Result<std::vector<MultipartPart>> parse_multipart(
    std::string_view body, std::string_view boundary,
    const MultipartLimits& limits) {
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t first = body.rfind(delimiter, 0) == 0
                          ? 0
                          : body.find(std::string(kCrlf) + delimiter);
  if (first == std::string_view::npos) {
    return invalid_form("the opening boundary is missing");
  }
  std::string_view rest = body.substr(first == 0 ? 0 : first + 2);

  std::vector<MultipartPart> parts;
  while (true) {
    Result<bool> closed = pass_delimiter(rest, delimiter);
    if (!closed) {
      return closed.problem();
    }
    if (closed.value()) {
      return parts;
    }
    if (parts.size() == limits.max_parts) {
      return invalid_form("the form has more than " +
                          std::to_string(limits.max_parts) + " parts");
    }

    Result<MultipartPart> part = read_part(rest, delimiter, limits);
    if (!part) {
      return part.problem();
    }
    bool repeated = !limits.allow_repeated_names &&
                    std::any_of(parts.begin(), parts.end(),
                                [&](const MultipartPart& existing) {
                                  return existing.name == part.value().name;
                                });
    if (repeated) {
      return invalid_form("part '" + part.value().name + "' appears twice");
    }
    parts.push_back(std::move(part.value()));
  }
}

}  // namespace revaer
