#include "cli/tail_stream.hpp"

#include <cctype>
#include <csignal>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace revaer::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxErrorBody = 64 * 1024;

// Splits an already validated "http://host[:port][/]" into host and port.
std::pair<std::string, std::string> split_base_url(std::string url) {
  url.erase(0, url.find("//") + 2);
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  if (!url.empty() && url.front() == '[') {
    std::size_t close = url.find(']');
    std::string host = url.substr(1, close - 1);
    std::string rest = url.substr(close + 1);
    return {host, rest.empty() ? "80" : rest.substr(1)};
  }
  std::size_t colon = url.find(':');
  if (colon == std::string::npos) {
    return {url, "80"};
  }
  return {url.substr(0, colon), url.substr(colon + 1)};
}

std::string host_header(const std::string& host, const std::string& port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string describe(const error_code& ec) {
  return ec == beast::error::timeout ? "timed out" : ec.message();
}

}  // namespace

EventStreamReader::EventStreamReader(const std::string& base_url,
                                     std::chrono::milliseconds timeout,
                                     std::chrono::milliseconds idle_timeout)
    : timeout_(timeout),
      idle_timeout_(idle_timeout),
      signals_(io_, SIGINT, SIGTERM),
      timer_(io_) {
  std::tie(host_, port_) = split_base_url(base_url);
  signals_.async_wait([this](const error_code& ec, int) {
    if (!ec) {
      on_signal();
    }
  });
}

void EventStreamReader::on_signal() {
  stopped_ = true;
  timer_.cancel();
  if (stream_) {
    stream_->cancel();
  }
}

void EventStreamReader::run_until(const bool& done) {
  io_.restart();
  while (!done) {
    io_.run_one();
  }
}

StreamOutcome EventStreamReader::read(const std::string& target,
                                      const Headers& headers,
                                      const MessageHandler& on_message) {
  StreamOutcome outcome;
  if (stopped_) {
    outcome.end = StreamOutcome::End::stopped;
    return outcome;
  }

  bool done = false;
  asio::co_spawn(io_, stream(target, headers, on_message, outcome),
                 [&done](std::exception_ptr error) {
                   done = true;
                   if (error) {
                     std::rethrow_exception(error);
                   }
                 });
  run_until(done);
  stream_.reset();
  if (stopped_) {
    outcome.end = StreamOutcome::End::stopped;
  }
  return outcome;
}

bool EventStreamReader::wait(std::chrono::milliseconds delay) {
  if (stopped_) {
    return false;
  }
  bool done = false;
  timer_.expires_after(delay);
  timer_.async_wait([&done](const error_code&) { done = true; });
  run_until(done);
  return !stopped_;
}

asio::awaitable<void> EventStreamReader::stream(
    const std::string& target, const Headers& headers,
    const MessageHandler& on_message, StreamOutcome& outcome) {
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (co_await open(target, headers, buffer, parser, outcome)) {
    co_await read_body(buffer, parser, on_message, outcome);
  }
}

asio::awaitable<bool> EventStreamReader::open(
    const std::string& target, const Headers& headers,
    beast::flat_buffer& buffer,
    http::response_parser<http::buffer_body>& parser, StreamOutcome& outcome) {
  beast::tcp_stream& stream = stream_.emplace(io_);
  const std::string where = host_header(host_, port_);
  error_code ec;
  const char* step = "could not resolve";
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host_, port_, ec);

  if (!ec) {
    step = "could not connect to";
    stream.expires_after(timeout_);
    co_await stream.async_connect(
        endpoints, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!ec) {
    step = "could not send the request to";
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, where);
    request.set(http::field::user_agent, "revaer-cli");
    request.set(http::field::accept, "text/event-stream");
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
    co_await http::async_write(stream, request,
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!ec) {
    step = "could not read the response from";
    stream.expires_after(timeout_);
    co_await http::async_read_header(
        stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  }

  if (ec) {
    outcome.end = StreamOutcome::End::transport;
    outcome.message = std::string(step) + " " + where + ": " + describe(ec);
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> EventStreamReader::read_body(
    beast::flat_buffer& buffer,
    http::response_parser<http::buffer_body>& parser,
    const MessageHandler& on_message, StreamOutcome& outcome) {
  const int status = static_cast<int>(parser.get().result_int());
  if (status != 200) {
    outcome.end = StreamOutcome::End::status;
    outcome.response.status = status;
    for (const auto& field : parser.get()) {
      outcome.response.headers[lower(field.name_string())] =
          std::string(field.value());
    }
  }

  SseParser sse;
  std::vector<char> chunk(kReadChunk);
  error_code ec;
  while (!parser.is_done() && !ec) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream_->expires_after(status == 200 ? idle_timeout_ : timeout_);
    co_await http::async_read_some(*stream_, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) {
      ec = {};
    }
    std::string_view bytes(chunk.data(),
                           chunk.size() - parser.get().body().size);

    if (status != 200) {
      if (outcome.response.body.size() < kMaxErrorBody) {
        outcome.response.body.append(bytes);
      }
      continue;
    }
    for (const SseMessage& message : sse.feed(bytes)) {
      on_message(message);
    }
    if (sse.retry_ms()) {
      retry_ms_ = sse.retry_ms();
    }
  }

  bool closed = ec == http::error::end_of_stream || ec == asio::error::eof;
  if (ec && !closed && status == 200 && !stopped_) {
    outcome.end = StreamOutcome::End::transport;
    outcome.message = "lost the event stream: " + describe(ec);
  }
}

}  // namespace revaer::client
