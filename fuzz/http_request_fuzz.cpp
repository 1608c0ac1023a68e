// libFuzzer target: raw bytes as one HTTP/1.1 request, parsed by Beast with
// the daemon's header and body limits, then through the request-id,
// target, query and JSON body handling the API applies to every request.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http_util.hpp"

namespace {

namespace http = boost::beast::http;

// The same orders of magnitude as the daemon's limits, small enough that
// the fuzzer explores the parser rather than allocations.
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::uint64_t kBodyLimit = 64 * 1024;

void handle_request(const http::request<http::string_body>& request) {
  const auto request_id = request.find("x-request-id");
  if (request_id != request.end()) {
    (void)revaer::choose_request_id(request_id->value());
  }

  const auto [path, query] = revaer::split_target(request.target());
  (void)revaer::percent_decode(path, false);
  (void)revaer::parse_query(query);
  (void)revaer::parse_json_body(request.body(), std::nullopt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  parser.eager(true);

  boost::beast::error_code error;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), error);
  if (!error && parser.is_done()) {
    handle_request(parser.get());
  }
  return 0;
}
