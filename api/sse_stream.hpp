#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including
// <utility>.
#include <utility>

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "api/router.hpp"
#include "api/sse_query.hpp"
#include "api/sse_service.hpp"

namespace revaer {

struct Connection;
struct HttpLimits;

// One Server-Sent Events response: the subscription behind it and the
// loop that writes its frames. Created by the SSE handler and run by the
// connection after the handler returns.
class SseStream : public std::enable_shared_from_this<SseStream> {
 public:
  SseStream(EventStreams& streams, EventStreamQuery query,
            std::string request_id);

  // Writes `header`, the retry advice, then events and keep-alive comments
  // until the client goes away, the subscription ends (the client fell
  // behind, or the bus closed it), the server stops or a write fails or
  // times out. Runs on the connection's strand; the connection is not
  // reused afterwards.
  boost::asio::awaitable<void> run(std::shared_ptr<Connection> connection,
                                   HttpResponse header,
                                   const HttpLimits& limits);

 private:
  boost::asio::awaitable<bool> write_text(std::string_view text);
  boost::asio::awaitable<bool> write_frames(
      const std::vector<std::shared_ptr<const EventFrame>>& frames);
  boost::asio::awaitable<void> watch_peer(std::shared_ptr<SseStream>);
  void on_wake();
  void log_end(const char* reason) const;

  EventStreams& streams_;
  EventStreamQuery query_;
  std::string request_id_;

  // Set by run(); touched only on the connection's strand.
  std::shared_ptr<Connection> connection_;
  std::chrono::milliseconds write_timeout_{0};
  std::shared_ptr<EventSubscription> subscription_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  bool woken_ = false;
  bool peer_closed_ = false;
  std::int64_t frames_sent_ = 0;
};

// Turns `response` into the header of an event stream: text/event-stream,
// no body, no Content-Length (the stream ends when the connection closes).
void make_stream_header(HttpResponse& response);

}  // namespace revaer
