#include "cli/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace revaer::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::string_view kScheme = "http://";
constexpr std::uint64_t kMaxBodyBytes = 256ull * 1024 * 1024;
constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

struct HostPort {
  std::string host;
  std::string port;
};

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

std::string checked_port(std::string_view text) {
  if (!all_digits(text) || text.size() > 5) {
    throw std::invalid_argument("invalid port in URL");
  }
  const int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) {
    throw std::invalid_argument("port out of range in URL");
  }
  return std::to_string(port);
}

// Splits "host[:port]" or "[v6]:port" and returns the host without brackets.
HostPort split_authority(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) {
      throw std::invalid_argument("invalid IPv6 host in URL");
    }
    HostPort out{std::string(authority.substr(1, close - 1)), "80"};
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        throw std::invalid_argument("unexpected text after IPv6 host");
      }
      out.port = checked_port(rest.substr(1));
    }
    return out;
  }

  const auto colon = authority.find(':');
  HostPort out{std::string(authority.substr(0, colon)), "80"};
  if (colon != std::string_view::npos) {
    out.port = checked_port(authority.substr(colon + 1));
  }
  if (out.host.empty()) {
    throw std::invalid_argument("missing host in URL");
  }
  return out;
}

HostPort parse_base_url(std::string_view url) {
  if (url.substr(0, kScheme.size()) != kScheme) {
    throw std::invalid_argument("URL must start with http://");
  }
  auto authority = url.substr(kScheme.size());
  if (!authority.empty() && authority.back() == '/') {
    authority.remove_suffix(1);
  }
  const bool bad_char = std::any_of(authority.begin(), authority.end(), [](char c) {
    return c == '/' || c == '?' || c == '#' || c == '@' ||
           std::isspace(static_cast<unsigned char>(c)) != 0;
  });
  if (authority.empty() || bad_char) {
    throw std::invalid_argument("URL must be http://host[:port]");
  }
  return split_authority(authority);
}

std::string host_header(const std::string& host, const std::string& port) {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  if (port != "80") {
    out += ":" + port;
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool has_header(const HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& header) { return lower(header.first) == name; });
}

// Runs the pending operation to completion. The stream's expiry cancels
// the operation, which then reports beast::error::timeout.
void run_step(asio::io_context& ioc, const beast::error_code& ec, std::string_view what,
              std::chrono::milliseconds timeout) {
  ioc.run();
  ioc.restart();
  if (ec == beast::error::timeout) {
    throw HttpError(std::string(what) + ": timed out after " + std::to_string(timeout.count()) +
                    " ms");
  }
  if (ec) {
    throw HttpError(std::string(what) + ": " + ec.message());
  }
}

http::request<http::string_body> build_request(const HttpRequest& request,
                                               const std::string& host) {
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(request.target);
  for (const auto& [name, value] : request.headers) {
    req.insert(name, value);
  }
  if (!has_header(request, "host")) {
    req.set(http::field::host, host);
  }
  if (!has_header(request, "user-agent")) {
    req.set(http::field::user_agent, "revaer-cli");
  }
  req.keep_alive(false);
  req.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    req.content_length(request.body.size());
  }
  return req;
}

// Moves the body out of `res`. Repeated header fields are joined with ", "
// into one entry, as the HTTP list syntax allows.
HttpResponse to_response(http::response<http::string_body>& res) {
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    auto name = lower(field.name_string());
    auto [it, inserted] = out.headers.emplace(name, field.value());
    if (!inserted) {
      it->second += ", ";
      it->second += field.value();
    }
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace

HttpClient::HttpClient(const std::string& base_url, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  if (timeout.count() <= 0) {
    throw std::invalid_argument("timeout must be positive");
  }
  auto parsed = parse_base_url(base_url);
  host_ = std::move(parsed.host);
  port_ = std::move(parsed.port);
}

HttpResponse HttpClient::send(const HttpRequest& request) const {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  const auto where = host_header(host_, port_);

  // NOTE: name resolution is synchronous and not bounded by the timeout.
  // Loopback and numeric hosts resolve without a lookup.
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(host_, port_, ec);
  if (ec) {
    throw HttpError("resolve " + where + ": " + ec.message());
  }

  // One deadline covers connect, write and read together.
  stream.expires_after(timeout_);
  stream.async_connect(endpoints, [&](beast::error_code e, auto) { ec = e; });
  run_step(ioc, ec, "connect to " + where, timeout_);

  auto req = build_request(request, where);
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) { ec = e; });
  run_step(ioc, ec, "send to " + where, timeout_);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxBodyBytes);
  parser.header_limit(kMaxHeaderBytes);
  parser.skip(request.method == "HEAD");
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  run_step(ioc, ec, "read from " + where, timeout_);

  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return to_response(parser.get());
}

}  // namespace revaer::client
