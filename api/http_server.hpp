#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including
// <utility>.
#include <utility>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "api/api_context.hpp"
#include "api/request_auth.hpp"

namespace revaer {

namespace asio = boost::asio;

class ServerState;

// Bounds on what one client may send. A violation gets a Problem+JSON
// response and a log line with the client address.
struct HttpLimits {
  std::size_t max_request_line_bytes = 8 * 1024;  // 414 beyond
  std::size_t max_header_bytes = 16 * 1024;  // request line + fields; 431
  std::size_t max_header_fields = 100;       // 431 beyond
  std::size_t max_body_bytes = 1024 * 1024;         // JSON bodies
  std::size_t max_upload_bytes = 16 * 1024 * 1024;  // POST /v1/torrents
  std::size_t max_connections = 512;  // further clients get 503 and close
  // Wrong credentials per client address before requests get 429.
  RateLimit auth_failures = kAuthFailureLimit;
  // Time to wait for the first byte of a request, on a new connection or a
  // kept-alive one. The connection closes quietly when it passes.
  std::chrono::milliseconds idle_timeout{30'000};
  // Time for the rest of a request header to arrive after its first byte,
  // so a client that sends it byte by byte gets 408.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  // How long stop() lets in-flight requests finish before closing.
  std::chrono::milliseconds shutdown_grace{2'000};
};

// The HTTP/1.1 API server: one coroutine per connection on the given
// io_context, which may be run by several threads. Each connection runs on
// its own strand.
class HttpServer {
 public:
  // `api` refers to components that must outlive every coroutine the
  // server starts, that is until the io_context has stopped running or
  // stop()'s callback has run.
  HttpServer(asio::io_context& io, ApiContext api, HttpLimits limits = {});
  // Calls stop() without waiting.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `endpoint` (port 0 picks a free port), starts accepting and
  // returns the bound endpoint. May be called more than once to listen on
  // several addresses. Throws boost::system::system_error when the address
  // cannot be bound.
  asio::ip::tcp::endpoint listen(const asio::ip::tcp::endpoint& endpoint);

  // Stops accepting, closes idle connections, lets requests in flight
  // finish for up to HttpLimits::shutdown_grace, then closes the rest.
  // Returns at once and is thread-safe. Later calls only add callbacks.
  // `on_stopped` runs once every connection has closed, on an io_context
  // thread or, when nothing was open, on the calling thread.
  void stop(std::function<void()> on_stopped = {});

  // The number of open client connections.
  std::size_t connection_count() const;

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace revaer
