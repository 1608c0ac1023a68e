#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including
// <utility>.
#include <utility>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "cli/http_client.hpp"
#include "cli/tail_parser.hpp"

namespace revaer::client {

// The end of one connection of an event stream.
struct StreamOutcome {
  enum class End {
    closed,     // the server closed the stream after a 200 response
    transport,  // could not connect, or the connection failed or idled
    status,     // the server returned an error status
    stopped,    // SIGINT or SIGTERM arrived
  };
  End end = End::closed;
  std::string message;    // what failed, for End::transport
  HttpResponse response;  // the error response, for End::status
};

// Reads Server-Sent Events from one daemon, one connection at a time. It
// handles SIGINT and SIGTERM from construction on: a signal ends the
// current connection or wait after the message being handled, so each
// message is handled completely or not at all. Not thread-safe.
class EventStreamReader {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  using MessageHandler = std::function<void(const SseMessage&)>;

  // `base_url` is http://host[:port] and already validated. `timeout`
  // bounds connecting and writing the request; `idle_timeout` bounds the
  // silence between two reads (the daemon sends keep-alives).
  EventStreamReader(const std::string& base_url,
                    std::chrono::milliseconds timeout,
                    std::chrono::milliseconds idle_timeout);

  // Connects, sends GET `target` and calls `on_message` for each message
  // until the stream ends. Exceptions from `on_message` propagate.
  StreamOutcome read(const std::string& target, const Headers& headers,
                     const MessageHandler& on_message);

  // Waits `delay`. Returns false when a signal arrived before or during
  // the wait.
  bool wait(std::chrono::milliseconds delay);

  bool stopped() const { return stopped_; }
  // The newest "retry:" advice of the daemon, in milliseconds.
  std::optional<std::int64_t> retry_ms() const { return retry_ms_; }

 private:
  boost::asio::awaitable<void> stream(const std::string& target,
                                      const Headers& headers,
                                      const MessageHandler& on_message,
                                      StreamOutcome& outcome);
  boost::asio::awaitable<bool> open(
      const std::string& target, const Headers& headers,
      boost::beast::flat_buffer& buffer,
      boost::beast::http::response_parser<boost::beast::http::buffer_body>&
          parser,
      StreamOutcome& outcome);
  boost::asio::awaitable<void> read_body(
      boost::beast::flat_buffer& buffer,
      boost::beast::http::response_parser<boost::beast::http::buffer_body>&
          parser,
      const MessageHandler& on_message, StreamOutcome& outcome);
  void run_until(const bool& done);
  void on_signal();

  std::string host_;
  std::string port_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds idle_timeout_;

  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer timer_;
  // The connection of the running read(), for on_signal() to cancel.
  std::optional<boost::beast::tcp_stream> stream_;
  std::optional<std::int64_t> retry_ms_;
  bool stopped_ = false;
};

}  // namespace revaer::client
