#include <utility>

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>
#include <string>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "api/http_util.hpp"
#include "api/request_bounds.hpp"
#include "api/server_state.hpp"
#include "api/sse_stream.hpp"
#include "api/trace_context.hpp"

namespace revaer {
namespace {

namespace beast = boost::beast;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kLingerTime{2'000};
constexpr std::size_t kMaxLingerBytes = 32 * 1024 * 1024;
constexpr std::size_t kMaxLoggedPath = 200;

bool is_parse_error(const error_code& ec) {
  return ec.category() ==
         beast::http::make_error_code(beast::http::error::bad_target)
             .category();
}

// Returns text fit for one log line: control bytes become '?' and long
// values are cut.
std::string printable(std::string_view text) {
  std::string result(text.substr(0, kMaxLoggedPath));
  for (char& c : result) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      c = '?';
    }
  }
  return result;
}

// One client connection's request loop. Lives in its coroutine frame.
class Session {
 public:
  Session(std::shared_ptr<ServerState> state,
          std::shared_ptr<Connection> connection)
      : state_(std::move(state)),
        connection_(std::move(connection)),
        stream_(connection_->stream),
        limits_(state_->limits()) {
    error_code ec;
    client_ = stream_.socket().remote_endpoint(ec).address();
    client_text_ = ec ? std::string("unknown") : client_.to_string();
  }

  asio::awaitable<void> run() {
    while (co_await serve_one()) {
    }
    close_read_timer();
    error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    state_->forget(connection_->id);
  }

 private:
  using HeaderParser = http::request_parser<http::empty_body>;
  using BodyParser = http::request_parser<http::string_body>;

  // Reads, handles and responds to one request. Returns false when the
  // connection should close.
  asio::awaitable<bool> serve_one() {
    connection_->busy = false;
    if (connection_->stopping) {
      co_return false;
    }

    if (buffer_.size() == 0 && !co_await wait_for_request()) {
      co_return false;
    }

    HeaderParser header_parser;
    header_parser.header_limit(
        static_cast<std::uint32_t>(limits_.max_header_bytes));
    // Checked per route below. Not boost::none: Beast 1.74 compares the
    // Content-Length against the optional and rejects every body.
    header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    error_code ec;
    arm_read_timer(limits_.header_timeout);
    co_await http::async_read_header(stream_, buffer_, header_parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    close_read_timer();
    if (ec) {
      co_await on_header_error(ec, header_parser);
      co_return false;
    }

    connection_->busy = true;
    Clock::time_point started = Clock::now();
    std::string request_id =
        choose_request_id(header_parser.get()["x-request-id"]);
    std::optional<TraceParent> trace = read_traceparent(header_parser.get());
    if (std::optional<Problem> problem = check_header(header_parser.get())) {
      co_await send_violation(*problem, request_id);
      co_return false;
    }
    std::optional<BodyParser> parser;
    if (!co_await read_body(header_parser, parser, request_id)) {
      co_return false;
    }

    HttpRequest request = parser->release();
    std::shared_ptr<SseStream> event_stream;
    HttpResponse response = state_->dispatcher().handle(
        request, client_, request_id, &event_stream);
    if (trace) {
      response.set("traceparent", trace->to_header());
    }
    if (event_stream) {
      log_request(request, response.result_int(), request_id, trace, started);
      co_await event_stream->run(connection_, std::move(response), limits_);
      co_return false;
    }
    bool keep_alive = request.keep_alive() && !connection_->stopping;
    response.keep_alive(keep_alive);

    stream_.expires_after(limits_.write_timeout);
    co_await http::async_write(stream_, response,
                               asio::redirect_error(asio::use_awaitable, ec));
    stream_.expires_never();
    log_request(request, response.result_int(), request_id, trace, started);
    co_return !ec && keep_alive;
  }

  // Moves the header into `parser` and reads the body with the limit of
  // the request's route. Returns false after responding to a violation or
  // when the client went away.
  asio::awaitable<bool> read_body(HeaderParser& header_parser,
                                  std::optional<BodyParser>& parser,
                                  const std::string& request_id) {
    const auto& header = header_parser.get();
    const Route* route =
        state_->dispatcher().find_route(header.method(), header.target());
    std::size_t limit = route != nullptr && route->large_body
                            ? limits_.max_upload_bytes
                            : limits_.max_body_bytes;
    auto length = header_parser.content_length();
    if (length && *length > limit) {
      co_await send_violation(payload_too_large(limit), request_id);
      co_return false;
    }
    bool expects_continue =
        iequals(header[http::field::expect], "100-continue");

    parser.emplace(std::move(header_parser));
    parser->body_limit(limit);
    if (parser->is_done()) {
      co_return true;
    }

    error_code ec;
    if (expects_continue) {
      http::response<http::empty_body> interim{http::status::continue_, 11};
      stream_.expires_after(limits_.write_timeout);
      co_await http::async_write(stream_, interim,
                                 asio::redirect_error(asio::use_awaitable, ec));
      stream_.expires_never();
      if (ec) {
        co_return false;
      }
    }

    arm_read_timer(limits_.body_timeout);
    co_await http::async_read(stream_, buffer_, *parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    close_read_timer();
    if (ec) {
      co_await on_body_error(ec, limit, request_id);
      co_return false;
    }
    co_return true;
  }

  // Waits up to the idle timeout for the first byte of the next request.
  // Returns false when the connection should close instead.
  asio::awaitable<bool> wait_for_request() {
    error_code ec;
    arm_read_timer(limits_.idle_timeout);
    co_await stream_.socket().async_wait(
        asio::ip::tcp::socket::wait_read,
        asio::redirect_error(asio::use_awaitable, ec));
    close_read_timer();
    if (ec || connection_->stopping) {
      spdlog::debug("client {}: connection closed: {}", client_text_,
                    connection_->read_timed_out ? "idle timeout"
                                                : ec.message());
      co_return false;
    }
    co_return true;
  }

  // Returns a problem for a header that breaks a bound Beast does not
  // check, or that names a host this server does not serve.
  std::optional<Problem> check_header(const http::request_header<>& header) {
    error_code ec;
    LocalEndpoint local{stream_.socket().local_endpoint(ec).address(),
                        connection_->listen_address};
    std::shared_ptr<const ConfigSnapshot> snapshot =
        state_->api().config.snapshot();
    return check_request_header(
        header, limits_, local,
        snapshot->app_profile.value("allowed_hosts", nlohmann::json::array()));
  }

  // Tells a request line that is too long from too many header bytes,
  // after Beast rejected the header as a whole. Beast consumes the request
  // line from the buffer once it has parsed it, and parses it only when it
  // is complete, so an empty target means the buffer still starts with it.
  bool request_line_too_long(const http::request_header<>& header) const {
    if (header.target().empty()) {
      auto bytes = buffer_.cdata();
      return request_line_exceeds(
          std::string_view(static_cast<const char*>(bytes.data()),
                           bytes.size()),
          limits_.max_request_line_bytes);
    }
    return request_line_length(header) > limits_.max_request_line_bytes;
  }

  static std::optional<TraceParent> read_traceparent(
      const http::request_header<>& header) {
    if (header.count("traceparent") != 1) {
      return std::nullopt;  // a repeated traceparent is invalid
    }
    return parse_traceparent(header["traceparent"]);
  }

  asio::awaitable<void> on_header_error(const error_code& ec,
                                        const HeaderParser& parser) {
    std::string request_id = choose_request_id({});
    bool got_some = parser.got_some();
    if (ec == http::error::header_limit) {
      // A named local, because g++ 12 destroys a temporary of a
      // conditional expression inside co_await twice.
      Problem problem = header_too_large(limits_.max_header_bytes);
      if (request_line_too_long(parser.get())) {
        problem = uri_too_long(limits_.max_request_line_bytes);
      }
      co_await send_violation(problem, request_id);
    } else if (connection_->read_timed_out && got_some) {
      co_await send_violation(request_timeout(), request_id);
    } else if (is_parse_error(ec) && ec != http::error::end_of_stream &&
               ec != http::error::partial_message) {
      co_await send_violation(
          Problem::bad_request("The request is not valid HTTP/1.1: " +
                               ec.message() + "."),
          request_id);
    } else {
      spdlog::debug("client {}: connection closed: {}", client_text_,
                    connection_->read_timed_out ? "idle timeout"
                                                : ec.message());
    }
  }

  asio::awaitable<void> on_body_error(const error_code& ec, std::size_t limit,
                                      const std::string& request_id) {
    if (ec == http::error::body_limit) {
      co_await send_violation(payload_too_large(limit), request_id);
    } else if (connection_->read_timed_out) {
      co_await send_violation(request_timeout(), request_id);
    } else if (is_parse_error(ec) && ec != http::error::partial_message) {
      co_await send_violation(
          Problem::bad_request("The request body is malformed: " +
                               ec.message() + "."),
          request_id);
    } else {
      spdlog::debug("client {}: connection closed while reading a body: {}",
                    client_text_, ec.message());
    }
  }

  // Sends a problem for a violated limit, logs it, and closes the
  // connection after draining what the client still sends, so that the
  // client reads the response instead of a reset.
  asio::awaitable<void> send_violation(const Problem& problem,
                                       const std::string& request_id) {
    spdlog::warn("client {}: rejected request {}: {} {}", client_text_,
                 request_id, problem.status, problem.detail);
    HttpResponse response = make_problem_response(problem, request_id);
    response.keep_alive(false);

    error_code ec;
    stream_.expires_after(limits_.write_timeout);
    co_await http::async_write(stream_, response,
                               asio::redirect_error(asio::use_awaitable, ec));
    stream_.expires_never();
    if (!ec) {
      co_await drain();
    }
  }

  asio::awaitable<void> drain() {
    error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    arm_read_timer(kLingerTime);
    std::array<char, 64 * 1024> scratch;
    std::size_t total = 0;
    while (!ec && total < kMaxLingerBytes) {
      total += co_await stream_.socket().async_read_some(
          asio::buffer(scratch), asio::redirect_error(asio::use_awaitable, ec));
    }
    close_read_timer();
  }

  void arm_read_timer(std::chrono::milliseconds timeout) {
    std::uint64_t deadline = ++connection_->read_deadline;
    connection_->reading = true;
    connection_->read_timed_out = false;
    connection_->read_timer.expires_after(timeout);

    std::weak_ptr<Connection> weak = connection_;
    connection_->read_timer.async_wait([weak, deadline](error_code ec) {
      std::shared_ptr<Connection> connection = weak.lock();
      if (ec || !connection || !connection->reading ||
          connection->read_deadline != deadline) {
        return;
      }
      connection->read_timed_out = true;
      connection->stream.socket().cancel(ec);
    });
  }

  void close_read_timer() {
    connection_->reading = false;
    connection_->read_timer.cancel();
  }

  void log_request(const HttpRequest& request, unsigned status,
                   const std::string& request_id,
                   const std::optional<TraceParent>& trace,
                   Clock::time_point started) {
    auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() -
                                                             started);
    bool quiet = status < 400 && (request.method() == http::verb::get ||
                                  request.method() == http::verb::head);
    spdlog::log(quiet ? spdlog::level::debug : spdlog::level::info,
                "request {}: {} {} -> {} in {:.1f} ms (client {}{}{})",
                request_id, printable(request.method_string()),
                printable(split_target(request.target()).first), status,
                elapsed.count(), client_text_, trace ? ", trace " : "",
                trace ? trace->trace_id : std::string());
  }

  std::shared_ptr<ServerState> state_;
  std::shared_ptr<Connection> connection_;
  beast::tcp_stream& stream_;
  const HttpLimits& limits_;
  beast::flat_buffer buffer_;
  asio::ip::address client_;
  std::string client_text_;
};

}  // namespace

asio::awaitable<void> serve_connection(std::shared_ptr<ServerState> state,
                                       std::shared_ptr<Connection> connection) {
  Session session(std::move(state), std::move(connection));
  co_await session.run();
}

asio::awaitable<void> reject_connection(std::shared_ptr<ServerState> state,
                                        asio::ip::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  error_code ec;
  auto endpoint = stream.socket().remote_endpoint(ec);
  spdlog::warn("client {}: rejected: more than {} connections",
               ec ? std::string("unknown") : endpoint.address().to_string(),
               state->limits().max_connections);

  HttpResponse response = make_problem_response(
      Problem::unavailable("Too many connections; retry later."),
      choose_request_id({}));
  response.keep_alive(false);
  response.set(http::field::retry_after, "1");
  stream.expires_after(state->limits().write_timeout);
  co_await http::async_write(stream, response,
                             asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream.close();
}

}  // namespace revaer
