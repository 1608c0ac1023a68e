#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including
// <utility>.
#include <utility>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "api/router.hpp"
#include "api/sse_query.hpp"
#include "api/sse_service.hpp"

namespace revaer {

struct Connection;
struct HttpLimits;

// A wake-up for one coroutine on a strand: the coroutine awaits wait(),
// and notify(), called on the same strand, resumes it. Cheaper than a
// cancelled timer, which matters when one event wakes thousands of
// streams.
class StrandSignal {
 public:
  template <typename Token>
  auto wait(Token&& token) {
    return boost::asio::async_initiate<Token, void()>(
        [this](auto handler) {
          waiter_ = std::make_unique<Waiter<decltype(handler)>>(
              std::move(handler));
        },
        token);
  }

  // Resumes the waiting coroutine, if any, through its executor.
  void notify() {
    if (waiter_) {
      std::unique_ptr<WaiterBase> waiter = std::move(waiter_);
      waiter->complete();
    }
  }

 private:
  struct WaiterBase {
    virtual ~WaiterBase() = default;
    virtual void complete() = 0;
  };
  template <typename Handler>
  struct Waiter final : WaiterBase {
    explicit Waiter(Handler h) : handler(std::move(h)) {}
    void complete() override {
      auto executor = boost::asio::get_associated_executor(handler);
      boost::asio::post(executor, std::move(handler));
    }
    Handler handler;
  };

  std::unique_ptr<WaiterBase> waiter_;
};

// One Server-Sent Events response: the subscription behind it and the
// loop that writes its frames. Created by the SSE handler and run by the
// connection after the handler returns.
class SseStream : public std::enable_shared_from_this<SseStream> {
 public:
  SseStream(EventStreams& streams, EventStreamQuery query,
            std::string request_id);

  // Writes `header`, the retry advice, then events and keep-alive comments.
  // Ends when the client goes away, the subscription ends (the client fell
  // behind, or the bus closed it), the server stops, or a write fails or
  // stays blocked longer than the write timeout. Runs on the connection's
  // strand, and the connection is not reused afterwards.
  boost::asio::awaitable<void> run(std::shared_ptr<Connection> connection,
                                   HttpResponse header,
                                   const HttpLimits& limits);

 private:
  using Clock = std::chrono::steady_clock;

  boost::asio::awaitable<bool> write_text(std::string_view text);
  boost::asio::awaitable<bool> write_frames(
      const std::vector<std::shared_ptr<const EventFrame>>& frames);
  boost::asio::awaitable<void> watch_peer(std::shared_ptr<SseStream>);
  void start_ticker(std::shared_ptr<SseStream> self);
  void on_tick();
  void on_wake();
  void log_end(const char* reason) const;

  EventStreams& streams_;
  EventStreamQuery query_;
  std::string request_id_;

  // Set by run(); touched only on the connection's strand.
  std::shared_ptr<Connection> connection_;
  std::chrono::milliseconds write_timeout_{0};
  std::shared_ptr<EventSubscription> subscription_;
  StrandSignal signal_;
  std::unique_ptr<boost::asio::steady_timer> ticker_;
  std::vector<boost::asio::const_buffer> buffers_;
  Clock::time_point last_write_;
  std::optional<Clock::time_point> write_started_;  // while writing
  bool woken_ = false;
  bool peer_closed_ = false;
  bool keepalive_due_ = false;
  bool finished_ = false;
  std::int64_t frames_sent_ = 0;
};

// Turns `response` into the header of an event stream: text/event-stream,
// no body, no Content-Length (the stream ends when the connection closes).
void make_stream_header(HttpResponse& response);

}  // namespace revaer
