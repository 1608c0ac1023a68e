#include "api/sse_stream.hpp"

#include <array>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "api/server_state.hpp"

namespace revaer {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

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

  error_code ec;
  http::response_serializer<http::string_body> serializer(header);
  connection_->stream.expires_after(write_timeout_);
  co_await http::async_write_header(
      connection_->stream, serializer,
      asio::redirect_error(asio::use_awaitable, ec));
  connection_->stream.expires_never();
  if (ec) {
    co_return;
  }

  auto self = shared_from_this();
  timer_ = std::make_unique<asio::steady_timer>(
      connection_->stream.get_executor());
  std::weak_ptr<SseStream> weak = self;
  asio::any_io_executor strand = connection_->stream.get_executor();
  subscription_ = streams_.bus().subscribe(
      query_.filter, query_.last_event_id, [weak, strand] {
        asio::post(strand, [weak] {
          if (auto stream = weak.lock()) {
            stream->on_wake();
          }
        });
      });
  asio::co_spawn(strand, watch_peer(self), asio::detached);

  std::string retry =
      "retry: " + std::to_string(streams_.options().retry.count()) + "\n\n";
  if (!co_await write_text(retry)) {
    co_return;
  }

  Clock::time_point last_write = Clock::now();
  while (!connection_->stopping && !peer_closed_) {
    woken_ = false;
    EventSubscription::Batch batch =
        subscription_->take(streams_.options().frames_per_write);
    if (!batch.frames.empty()) {
      if (!co_await write_frames(batch.frames)) {
        break;
      }
      last_write = Clock::now();
      continue;
    }
    if (batch.ended) {
      break;
    }
    if (woken_) {
      continue;
    }

    timer_->expires_at(last_write + streams_.options().keepalive);
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      if (!co_await write_text(kKeepalive)) {
        break;
      }
      last_write = Clock::now();
    }
  }

  SubscriptionEnd end = subscription_->end_reason();
  if (end != SubscriptionEnd::open) {
    log_end(end_reason_text(end));
  }
  subscription_.reset();
  timer_->cancel();
  spdlog::debug("request {}: event stream closed after {} event(s)",
                request_id_, frames_sent_);
}

asio::awaitable<bool> SseStream::write_text(std::string_view text) {
  error_code ec;
  connection_->stream.expires_after(write_timeout_);
  co_await asio::async_write(connection_->stream, asio::buffer(text),
                             asio::redirect_error(asio::use_awaitable, ec));
  connection_->stream.expires_never();
  co_return !ec;
}

asio::awaitable<bool> SseStream::write_frames(
    const std::vector<std::shared_ptr<const EventFrame>>& frames) {
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(frames.size());
  for (const auto& frame : frames) {
    buffers.emplace_back(frame->text.data(), frame->text.size());
  }

  error_code ec;
  connection_->stream.expires_after(write_timeout_);
  co_await asio::async_write(connection_->stream, buffers,
                             asio::redirect_error(asio::use_awaitable, ec));
  connection_->stream.expires_never();
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
// an event stream; anything they do send is discarded.
asio::awaitable<void> SseStream::watch_peer(
    std::shared_ptr<SseStream> /*keeps this stream alive*/) {
  std::array<char, 512> scratch;
  error_code ec;
  while (!ec) {
    co_await connection_->stream.socket().async_read_some(
        asio::buffer(scratch), asio::redirect_error(asio::use_awaitable, ec));
  }
  peer_closed_ = true;
  if (timer_) {
    timer_->cancel();
  }
}

void SseStream::on_wake() {
  woken_ = true;
  if (timer_) {
    timer_->cancel();
  }
  // A stream whose subscription ended may be blocked writing to a client
  // that stopped reading: cancelling makes it give up now.
  if (subscription_ &&
      subscription_->end_reason() != SubscriptionEnd::open) {
    error_code ignored;
    connection_->stream.socket().cancel(ignored);
  }
}

void SseStream::log_end(const char* reason) const {
  spdlog::info("request {}: closed the event stream after {} event(s): {}",
               request_id_, frames_sent_, reason);
}

}  // namespace revaer
