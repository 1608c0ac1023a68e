#include "tests/support/qbit_http.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace revaer::test {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr const char* kApiPrefix = "/api/v2/";

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

std::string percent_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

// Picks a boundary that occurs in no part, so no part can end the body
// early.
std::string pick_boundary(const std::vector<MultipartPart>& parts) {
  for (int attempt = 0;; ++attempt) {
    std::string boundary =
        "revaer-test-boundary-" + std::to_string(attempt) + "-x7Qz";
    bool clashes = std::any_of(parts.begin(), parts.end(), [&](auto& part) {
      return part.value.find(boundary) != std::string::npos;
    });
    if (!clashes) {
      return boundary;
    }
  }
}

}  // namespace

std::string form_encode(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    out += percent_encode(name) + "=" + percent_encode(value);
  }
  return out;
}

MultipartPart text_part(std::string name, std::string value) {
  MultipartPart part;
  part.name = std::move(name);
  part.value = std::move(value);
  return part;
}

MultipartPart torrent_part(std::string name, std::string metainfo,
                           std::string filename) {
  MultipartPart part;
  part.name = std::move(name);
  part.value = std::move(metainfo);
  part.filename = std::move(filename);
  return part;
}

MultipartBody multipart_encode(const std::vector<MultipartPart>& parts) {
  std::string boundary = pick_boundary(parts);
  std::string body;
  for (const MultipartPart& part : parts) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + part.name + "\"";
    if (part.filename) {
      body += "; filename=\"" + *part.filename + "\"\r\n";
      body += "Content-Type: " + part.content_type + "\r\n";
    } else {
      body += "\r\n";
    }
    body += "\r\n" + part.value + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, body};
}

QbitSession::QbitSession(std::string base_url)
    : base_url_(std::move(base_url)) {}

client::HttpResponse QbitSession::login(const std::string& username,
                                        const std::string& password) {
  client::HttpResponse response =
      post("auth/login", {{"username", username}, {"password", password}});
  auto cookie = response.headers.find("set-cookie");
  if (cookie != response.headers.end()) {
    if (auto sid = sid_from_set_cookie(cookie->second)) {
      sid_ = sid;
    }
  }
  return response;
}

client::HttpResponse QbitSession::get(const std::string& endpoint,
                                      const FormFields& query) const {
  std::string target = kApiPrefix + endpoint;
  if (!query.empty()) {
    target += "?" + form_encode(query);
  }
  return send("GET", target, {}, {});
}

client::HttpResponse QbitSession::post(const std::string& endpoint,
                                       const FormFields& fields) const {
  return send("POST", kApiPrefix + endpoint,
              {{"content-type", "application/x-www-form-urlencoded"}},
              form_encode(fields));
}

client::HttpResponse QbitSession::post_multipart(
    const std::string& endpoint,
    const std::vector<MultipartPart>& parts) const {
  MultipartBody multipart = multipart_encode(parts);
  return send("POST", kApiPrefix + endpoint,
              {{"content-type", multipart.content_type}}, multipart.body);
}

client::HttpResponse QbitSession::send(
    const std::string& method, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body) const {
  client::HttpClient http(base_url_, kRequestTimeout);
  client::HttpRequest request;
  request.method = method;
  request.target = target;
  request.headers = headers;
  if (sid_) {
    request.headers.emplace_back("cookie", "SID=" + *sid_);
  }
  if (bearer_key_) {
    request.headers.emplace_back("authorization", "Bearer " + *bearer_key_);
  }
  request.body = body;
  return http.send(request);
}

nlohmann::json QbitSession::get_json(const std::string& endpoint,
                                     const FormFields& query) const {
  client::HttpResponse response = get(endpoint, query);
  if (response.status != 200) {
    throw std::runtime_error("GET " + endpoint + " failed: " +
                             describe_response(response));
  }
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) {
    throw std::runtime_error("GET " + endpoint + " returned no JSON: " +
                             describe_response(response));
  }
  return parsed;
}

std::optional<std::string> sid_from_set_cookie(const std::string& header) {
  std::string::size_type start = 0;
  while (start < header.size()) {
    std::string::size_type end = header.find(';', start);
    std::string item = header.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    if (item.rfind("SID=", 0) == 0) {
      return item.substr(4);
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::string media_type(const client::HttpResponse& response) {
  auto header = response.headers.find("content-type");
  if (header == response.headers.end()) {
    return {};
  }
  std::string type = header->second.substr(0, header->second.find(';'));
  while (!type.empty() && type.back() == ' ') {
    type.pop_back();
  }
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return type;
}

std::string describe_response(const client::HttpResponse& response) {
  constexpr std::size_t kMaxBody = 600;
  std::string body = response.body.substr(0, kMaxBody);
  return "status " + std::to_string(response.status) + ", content-type '" +
         media_type(response) + "', body '" + body + "'";
}

}  // namespace revaer::test
