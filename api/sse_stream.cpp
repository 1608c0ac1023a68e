#include "api/sse_stream.hpp"

#include <array>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "api/server_state.hpp"

namespace revaer {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::string_view kKeepalive = ": keep-alive\n\n";

const char* end_reason_text(SubscriptionEnd end) {
  switch (end) {
    case SubscriptionEnd::overflow:
      return "the client fell behind";
    case SubscriptionEnd::lagged:
      return "replayed events left the window before they were sent";
    case SubscriptionEnd::closed:
      return "the event bus closed the stream";
    case SubscriptionEnd::open:
      break;
  }
  return "ended";
}

}  // namespace

void make_stream_header(HttpResponse& response) {
  response.result(http::status::ok);
  response.body().clear();
  response.erase(http::field::content_length);
  response.set(http::field::content_type, "text/event-stream");
  response.set(http::field::cache_control, "no-cache");
  // Asks nginx-style proxies not to buffer the stream.
  response.set("x-accel-buffering", "no");
  response.keep_alive(false);
}

SseStream::SseStream(EventStreams& streams, EventStreamQuery query,
                     std::string request_id)
    : streams_(streams),
      query_(std::move(query)),
      request_id_(std::move(request_id)) {}

asio::awaitable<void> SseStream::run(std::shared_ptr<Connection> connection,
                                     HttpResponse header,
                                     const HttpLimits& limits) {
  connection_ = std::move(connection);
  write_timeout_ = limits.write_timeout;
  // An open stream is not a request in flight: stop() may close it at
  // once, and its client resumes elsewhere or later.
  connection_->busy = false;
  if (connection_->stopping) {
    co_return;
  }

  // Subscribed before the header goes out, so a client that has the
  // header receives every event published after that.
  auto self = shared_from_this();
  asio::any_io_executor strand = connection_->stream.get_executor();
  std::weak_ptr<SseStream> weak = self;
  subscription_ = streams_.bus().subscribe(
      query_.filter, query_.last_event_id, [weak, strand] {
        asio::post(strand, [weak] {
          if (auto stream = weak.lock()) {
            stream->on_wake();
          }
        });
      });

  error_code ec;
  http::response_serializer<http::string_body> serializer(header);
  connection_->stream.expires_after(write_timeout_);
  co_await http::async_write_header(
      connection_->stream, serializer,
      asio::redirect_error(asio::use_awaitable, ec));
  connection_->stream.expires_never();
  if (ec) {
    subscription_.reset();
    co_return;
  }
  asio::co_spawn(strand, watch_peer(self), asio::detached);
  // Each frame is complete when written; Nagle's algorithm would only
  // hold it back behind a delayed ACK.
  connection_->stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  start_ticker(self);

  last_write_ = Clock::now();
  std::string retry =
      "retry: " + std::to_string(streams_.options().retry.count()) + "\n\n";
  bool open = co_await write_text(retry);
  while (open && !connection_->stopping && !peer_closed_) {
    woken_ = false;
    EventSubscription::Batch batch =
        subscription_->take(streams_.options().frames_per_write);
    if (batch.ended) {
      break;
    }
    if (!batch.frames.empty()) {
      open = co_await write_frames(batch.frames);
      keepalive_due_ = false;
    } else if (keepalive_due_) {
      keepalive_due_ = false;
      open = co_await write_text(kKeepalive);
    }
    if (open && !batch.more && !woken_ && !peer_closed_) {
      co_await signal_.wait(asio::use_awaitable);
    }
  }

  finished_ = true;
  ticker_->cancel();
  SubscriptionEnd end = subscription_->end_reason();
  if (end != SubscriptionEnd::open) {
    log_end(end_reason_text(end));
  }
  subscription_.reset();
  spdlog::debug("request {}: event stream closed after {} event(s)",
                request_id_, frames_sent_);
}

// Writes on the socket itself, without the stream's per-operation timer:
// the ticker enforces the write timeout, which saves two timer operations
// per event and stream.
asio::awaitable<bool> SseStream::write_text(std::string_view text) {
  error_code ec;
  write_started_ = Clock::now();
  co_await asio::async_write(connection_->stream.socket(), asio::buffer(text),
                             asio::redirect_error(asio::use_awaitable, ec));
  write_started_.reset();
  last_write_ = Clock::now();
  co_return !ec;
}

asio::awaitable<bool> SseStream::write_frames(
    const std::vector<std::shared_ptr<const EventFrame>>& frames) {
  buffers_.clear();
  for (const auto& frame : frames) {
    buffers_.emplace_back(frame->text.data(), frame->text.size());
  }

  error_code ec;
  write_started_ = Clock::now();
  co_await asio::async_write(connection_->stream.socket(), buffers_,
                             asio::redirect_error(asio::use_awaitable, ec));
  write_started_.reset();
  last_write_ = Clock::now();
  if (ec) {
    spdlog::debug("request {}: could not write to the event stream: {}",
                  request_id_, ec.message());
    co_return false;
  }
  frames_sent_ += static_cast<std::int64_t>(frames.size());
  co_return true;
}

// Reads until the client closes the connection, so that a closed stream
// is noticed without waiting for the next write. Clients send nothing on
// an event stream; anything they do send is discarded. The parameter
// keeps this stream alive while the read is pending.
asio::awaitable<void> SseStream::watch_peer(std::shared_ptr<SseStream>) {
  std::array<char, 512> scratch;
  error_code ec;
  while (!ec) {
    co_await connection_->stream.socket().async_read_some(
        asio::buffer(scratch), asio::redirect_error(asio::use_awaitable, ec));
  }
  peer_closed_ = true;
  signal_.notify();
}

// Ticks every half keep-alive interval. A tick that finds no write since
// the previous one requests a keep-alive comment, so the line is never
// silent longer than the interval. A write blocked longer than the write
// timeout closes the connection.
void SseStream::start_ticker(std::shared_ptr<SseStream> self) {
  if (!ticker_) {
    ticker_ = std::make_unique<asio::steady_timer>(
        connection_->stream.get_executor());
  }
  ticker_->expires_after(streams_.options().keepalive / 2);
  ticker_->async_wait([self = std::move(self)](const error_code& ec) {
    if (!ec && !self->finished_) {
      self->on_tick();
      self->start_ticker(self);
    }
  });
}

void SseStream::on_tick() {
  Clock::time_point now = Clock::now();
  if (write_started_ && now - *write_started_ > write_timeout_) {
    spdlog::info("request {}: closed the event stream: a write was blocked "
                 "for more than {} ms",
                 request_id_, write_timeout_.count());
    error_code ignored;
    connection_->stream.socket().cancel(ignored);
    return;
  }
  if (!write_started_ && now - last_write_ >= streams_.options().keepalive / 2) {
    keepalive_due_ = true;
    signal_.notify();
  }
}

void SseStream::on_wake() {
  woken_ = true;
  // A stream whose subscription ended may be blocked writing to a client
  // that stopped reading: cancelling makes it give up now. A stream that
  // is not writing finds the end with its next take().
  if (write_started_ && subscription_ &&
      subscription_->end_reason() != SubscriptionEnd::open) {
    error_code ignored;
    connection_->stream.socket().cancel(ignored);
  }
  signal_.notify();
}

void SseStream::log_end(const char* reason) const {
  spdlog::info("request {}: closed the event stream after {} event(s): {}",
               request_id_, frames_sent_, reason);
}

}  // namespace revaer
