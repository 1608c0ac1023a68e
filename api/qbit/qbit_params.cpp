#include "api/qbit/qbit_params.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <boost/beast/http/field.hpp>

#include "api/http_util.hpp"
#include "api/multipart.hpp"

namespace revaer {
namespace {

using Fields = std::multimap<std::string, std::string, std::less<>>;

bool is_url_encoded_form(std::string_view content_type) {
  std::string type = to_lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') {
    type.pop_back();
  }
  return type == "application/x-www-form-urlencoded";
}

Problem invalid_parameter(std::string_view name, std::string_view expected) {
  return Problem::bad_request("The parameter '" + std::string(name) +
                              "' must be " + std::string(expected) + ".");
}

Status check_field_sizes(const Fields& fields) {
  for (const auto& [name, value] : fields) {
    if (value.size() > kQbitMaxFieldBytes) {
      return Problem::bad_request(
          "The parameter '" + name.substr(0, 100) + "' is longer than " +
          std::to_string(kQbitMaxFieldBytes) + " bytes.");
    }
  }
  return Done{};
}

Status read_multipart(std::string_view body, std::string_view content_type,
                      Fields& fields, std::vector<QbitFile>& files) {
  std::optional<std::string> boundary = multipart_boundary(content_type);
  if (!boundary) {
    return Problem::bad_request(
        "The multipart/form-data body has no valid boundary parameter.");
  }
  MultipartLimits limits;
  limits.max_parts = kQbitMaxFormParts;
  limits.allow_repeated_names = true;
  Result<std::vector<MultipartPart>> parts =
      parse_multipart(body, *boundary, limits);
  if (!parts) {
    return parts.problem();
  }
  for (MultipartPart& part : parts.value()) {
    if (part.filename) {
      files.push_back(QbitFile{std::move(part.name),
                               std::move(*part.filename),
                               std::move(part.data)});
    } else {
      fields.emplace(std::move(part.name), std::move(part.data));
    }
  }
  return Done{};
}

}  // namespace

Result<QbitParams> QbitParams::parse(const RequestContext& context) {
  return parse(context.request, context.query);
}

Result<QbitParams> QbitParams::parse(const HttpRequest& request,
                                     const Fields& query) {
  QbitParams params;
  params.query_ = query;

  std::string_view body = request.body();
  std::string_view content_type =
      request[boost::beast::http::field::content_type];
  if (!body.empty() && is_multipart_form(content_type)) {
    Status read = read_multipart(body, content_type, params.body_,
                                 params.files_);
    if (!read) {
      return read.problem();
    }
  } else if (!body.empty() && is_url_encoded_form(content_type)) {
    std::optional<Fields> fields = parse_query(body);
    if (!fields) {
      return Problem::bad_request(
          "The form body has a malformed percent escape.");
    }
    params.body_ = std::move(*fields);
  }

  for (const Fields* fields : {&params.body_, &params.query_}) {
    Status sizes = check_field_sizes(*fields);
    if (!sizes) {
      return sizes.problem();
    }
  }
  return params;
}

std::optional<std::string> QbitParams::get(std::string_view name) const {
  for (const Fields* fields : {&body_, &query_}) {
    auto found = fields->find(name);
    if (found != fields->end()) {
      return found->second;
    }
  }
  return std::nullopt;
}

bool QbitParams::has(std::string_view name) const {
  return body_.find(name) != body_.end() || query_.find(name) != query_.end();
}

bool QbitParams::flag(std::string_view name, bool fallback) const {
  std::optional<std::string> value = get(name);
  if (!value) {
    return fallback;
  }
  if (iequals(*value, "true")) {
    return true;
  }
  if (iequals(*value, "false")) {
    return false;
  }
  return fallback;
}

Result<std::optional<std::int64_t>> QbitParams::integer(
    std::string_view name) const {
  std::optional<std::string> value = get(name);
  if (!value) {
    return std::optional<std::int64_t>();
  }
  if (value->empty() || value->size() > 20) {
    return invalid_parameter(name, "an integer");
  }
  errno = 0;
  char* end = nullptr;
  long long parsed = std::strtoll(value->c_str(), &end, 10);
  if (errno != 0 || end != value->c_str() + value->size()) {
    return invalid_parameter(name, "an integer");
  }
  return std::optional<std::int64_t>(parsed);
}

Result<std::optional<double>> QbitParams::number(std::string_view name) const {
  std::optional<std::string> value = get(name);
  if (!value) {
    return std::optional<double>();
  }
  if (value->empty() || value->size() > 64) {
    return invalid_parameter(name, "a number");
  }
  errno = 0;
  char* end = nullptr;
  double parsed = std::strtod(value->c_str(), &end);
  if (errno != 0 || end != value->c_str() + value->size() ||
      !std::isfinite(parsed)) {
    return invalid_parameter(name, "a number");
  }
  return std::optional<double>(parsed);
}

void QbitParams::add(std::string name, std::string value) {
  body_.emplace(std::move(name), std::move(value));
}

std::vector<std::string> split_list(std::string_view text, char separator) {
  std::vector<std::string> items;
  while (!text.empty()) {
    std::size_t at = text.find(separator);
    std::string_view item = text.substr(0, at);
    if (!item.empty() && item.back() == '\r' && separator == '\n') {
      item.remove_suffix(1);
    }
    if (!item.empty()) {
      items.emplace_back(item);
    }
    if (at == std::string_view::npos) {
      break;
    }
    text.remove_prefix(at + 1);
  }
  return items;
}

}  // namespace revaer
