#pragma once

#include <utility>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "api/dispatcher.hpp"
#include "api/http_server.hpp"

namespace revaer {

// One accepted client. `stream` uses the connection's strand as executor,
// and every member but `id` is touched only on that strand.
struct Connection {
  Connection(asio::ip::tcp::socket socket, std::uint64_t id_value,
             asio::ip::address listener)
      : stream(std::move(socket)), id(id_value),
        listen_address(std::move(listener)),
        read_timer(stream.get_executor()) {}

  boost::beast::tcp_stream stream;
  const std::uint64_t id;
  // The address the listener that accepted it is bound to, which may be
  // 0.0.0.0 or ::.
  const asio::ip::address listen_address;
  // Read deadlines cancel the read instead of closing the socket, as
  // tcp_stream's own timeout would, so that a 408 can still be sent.
  asio::steady_timer read_timer;
  // Identifies the armed deadline, so a timer handler that was already
  // queued when its read completed does not cancel a later operation.
  std::uint64_t read_deadline = 0;
  bool reading = false;
  bool read_timed_out = false;
  bool busy = false;      // between reading a request header and responding
  bool stopping = false;  // set by stop(): finish the request, then close
};

// The state HttpServer shares with its coroutines, so that they may
// outlive it. Thread-safe.
class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  ServerState(asio::io_context& io, ApiContext api, HttpLimits limits);

  asio::ip::tcp::endpoint listen(const asio::ip::tcp::endpoint& endpoint);
  void stop(std::function<void()> on_stopped);
  std::size_t connection_count() const;

  const HttpLimits& limits() const { return limits_; }
  const Dispatcher& dispatcher() const { return dispatcher_; }
  const ApiContext& api() const { return api_; }

  // Removes a closed connection. Removing the last one after stop() runs
  // the stop callbacks.
  void forget(std::uint64_t connection_id);

 private:
  using Acceptor = asio::ip::tcp::acceptor;

  asio::awaitable<void> accept_loop(std::shared_ptr<Acceptor> acceptor);
  void admit(asio::ip::tcp::socket socket,
             const asio::ip::address& listen_address);
  void close_remaining();
  void finish_stop(std::unique_lock<std::mutex>& lock);

  asio::io_context& io_;
  ApiContext api_;
  const HttpLimits limits_;
  const Dispatcher dispatcher_;

  mutable std::mutex mutex_;  // guards the members below
  std::vector<std::shared_ptr<Acceptor>> acceptors_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections_;
  std::uint64_t next_connection_id_ = 1;
  bool stopping_ = false;
  bool stopped_ = false;  // every connection closed after stop()
  std::vector<std::function<void()>> stop_callbacks_;
  std::optional<asio::steady_timer> grace_timer_;
};

// Serves requests on `connection` until the client closes it, a limit is
// violated, or the server stops, then removes it from `state`.
asio::awaitable<void> serve_connection(std::shared_ptr<ServerState> state,
                                       std::shared_ptr<Connection> connection);

// Sends 503 to a client over the connection cap and closes the socket.
asio::awaitable<void> reject_connection(std::shared_ptr<ServerState> state,
                                        asio::ip::tcp::socket socket);

}  // namespace revaer
