#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace revaer::client {

// A transport failure: connection refused, DNS failure, timeout, a reset
// connection. HTTP error statuses are not errors at this level.
class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// A blocking HTTP/1.1 client for one base URL ("http://host:port"). Each
// send() opens a connection, sends one request and reads the whole response.
class HttpClient {
 public:
  // Throws std::invalid_argument for a URL that is not http://host[:port].
  HttpClient(const std::string& base_url, std::chrono::milliseconds timeout);

  // Throws HttpError on transport failure or when `timeout` passes.
  HttpResponse send(const HttpRequest& request) const;

 private:
  std::string host_;
  std::string port_;
  std::chrono::milliseconds timeout_;
};

}  // namespace revaer::client
