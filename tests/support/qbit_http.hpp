#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/http_client.hpp"

namespace revaer::test {

// Ordered name/value pairs of a query string or form body.
using FormFields = std::vector<std::pair<std::string, std::string>>;

// Returns `fields` as application/x-www-form-urlencoded text (RFC 3986
// unreserved characters kept, space as "%20").
std::string form_encode(const FormFields& fields);

// One part of a multipart/form-data body. A part with a filename is a file
// upload, whose content type defaults to application/x-bittorrent.
struct MultipartPart {
  std::string name;
  std::string value;  // the text, or the file's bytes
  std::optional<std::string> filename;
  std::string content_type = "application/x-bittorrent";
};

// Returns a text field of a multipart body.
MultipartPart text_part(std::string name, std::string value);

// Returns a .torrent file upload of a multipart body.
MultipartPart torrent_part(std::string name, std::string metainfo,
                           std::string filename);

// A multipart/form-data body and the Content-Type header that names its
// boundary.
struct MultipartBody {
  std::string content_type;
  std::string body;
};

MultipartBody multipart_encode(const std::vector<MultipartPart>& parts);

// A client of the qBittorrent WebUI API v2 at one base URL
// ("http://127.0.0.1:PORT"), with the SID cookie that auth/login sets.
// Works against revaerd and qbittorrent-nox alike.
class QbitSession {
 public:
  explicit QbitSession(std::string base_url);

  // Posts `username` and `password` to /api/v2/auth/login and keeps the SID
  // cookie of the response, when it sets one. Returns the response.
  client::HttpResponse login(const std::string& username,
                             const std::string& password);

  // Sends GET /api/v2/`endpoint` with `query` as its query string.
  client::HttpResponse get(const std::string& endpoint,
                           const FormFields& query = {}) const;

  // Sends POST /api/v2/`endpoint` with `fields` as a form body.
  client::HttpResponse post(const std::string& endpoint,
                            const FormFields& fields = {}) const;

  // Sends POST /api/v2/`endpoint` with a multipart/form-data body.
  client::HttpResponse post_multipart(
      const std::string& endpoint,
      const std::vector<MultipartPart>& parts) const;

  // Sends any request to `target` (path and query), with the cookie.
  client::HttpResponse send(
      const std::string& method, const std::string& target,
      const std::vector<std::pair<std::string, std::string>>& headers,
      const std::string& body) const;

  // Like get(), but throws std::runtime_error unless the status is 200 and
  // the body is JSON. Returns the parsed body.
  nlohmann::json get_json(const std::string& endpoint,
                          const FormFields& query = {}) const;

  // Sends `Authorization: Bearer <key>` with every request, as Sonarr does
  // when it is given an API key instead of a username and password.
  void use_bearer_key(std::string key) { bearer_key_ = std::move(key); }

  const std::string& base_url() const { return base_url_; }
  const std::optional<std::string>& sid() const { return sid_; }
  void forget_sid() { sid_.reset(); }

 private:
  std::string base_url_;
  std::optional<std::string> sid_;
  std::optional<std::string> bearer_key_;
};

// Returns the value of the SID cookie in a Set-Cookie header, if any.
std::optional<std::string> sid_from_set_cookie(const std::string& header);

// Returns the media type of a Content-Type header in lower case, without
// parameters ("text/plain; charset=UTF-8" gives "text/plain").
std::string media_type(const client::HttpResponse& response);

// Returns the status, content type and the first bytes of the body, for
// failure messages.
std::string describe_response(const client::HttpResponse& response);

}  // namespace revaer::test
