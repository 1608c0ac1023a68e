#pragma once

#include <utility>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace revaer::test {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// A response as the tests inspect it, with lower-case header names.
struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// One client connection to a test server, with a timeout on every step so
// a broken server fails the test instead of hanging it. Throws
// std::runtime_error on transport errors.
class TestConnection {
 public:
  static constexpr std::chrono::seconds kTimeout{20};

  explicit TestConnection(std::uint16_t port,
                          const char* address = "127.0.0.1")
      : stream_(io_) {
    beast::error_code ec;
    stream_.expires_after(kTimeout);
    stream_.async_connect(
        tcp::endpoint(boost::asio::ip::make_address(address), port),
        [&ec](beast::error_code result) { ec = result; });
    run(ec, "connect");
  }

  void write(std::string_view bytes) {
    beast::error_code ec;
    stream_.expires_after(kTimeout);
    boost::asio::async_write(
        stream_, boost::asio::buffer(bytes.data(), bytes.size()),
        [&ec](beast::error_code result, std::size_t) { ec = result; });
    run(ec, "write");
  }

  void send(http::request<http::string_body> request) {
    beast::error_code ec;
    request.prepare_payload();
    stream_.expires_after(kTimeout);
    http::async_write(stream_, request,
                      [&ec](beast::error_code result, std::size_t) {
                        ec = result;
                      });
    run(ec, "write request");
  }

  Reply read_reply() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code ec;
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, parser,
                     [&ec](beast::error_code result, std::size_t) {
                       ec = result;
                     });
    run(ec, "read response");

    Reply reply;
    reply.status = parser.get().result_int();
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      reply.headers[name] = std::string(field.value());
    }
    reply.body = parser.get().body();
    return reply;
  }

  // Returns true when the server closes the connection (end of stream or
  // reset) before the timeout, false when it sends data instead.
  bool wait_closed() {
    char byte = 0;
    beast::error_code ec;
    stream_.expires_after(kTimeout);
    stream_.async_read_some(boost::asio::buffer(&byte, 1),
                            [&ec](beast::error_code result, std::size_t) {
                              ec = result;
                            });
    io_.restart();
    io_.run();
    if (ec == beast::error::timeout) {
      throw std::runtime_error("the server kept the connection open");
    }
    return ec == boost::asio::error::eof ||
           ec == boost::asio::error::connection_reset;
  }

 private:
  void run(const beast::error_code& ec, const char* step) {
    io_.restart();
    io_.run();
    if (ec) {
      throw std::runtime_error(std::string("could not ") + step + ": " +
                               ec.message());
    }
  }

  boost::asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

// Sends one request on a new connection and returns the response.
inline Reply send_request(std::uint16_t port, http::verb method,
                          const std::string& target,
                          const std::string& body = {},
                          const HeaderPairs& headers = {}) {
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) {
    request.set(name, value);
  }
  request.body() = body;

  TestConnection connection(port);
  connection.send(std::move(request));
  return connection.read_reply();
}

}  // namespace revaer::test
