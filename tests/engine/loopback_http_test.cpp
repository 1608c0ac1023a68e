#include "tests/engine/loopback_http.hpp"

#include <sys/socket.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "cli/http_client.hpp"
#include "tests/engine/swarm.hpp"

namespace revaer::testing {
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

LoopbackHttpServer::LoopbackHttpServer(Handler handler)
    : handler_(std::move(handler)),
      acceptor_(context_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { accept_loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // shutdown() wakes the threads blocked in accept() and read() on Linux.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    for (const auto& socket : sockets_) ::shutdown(socket->native_handle(), SHUT_RDWR);
  }
  accept_thread_.join();
  for (std::thread& thread : connection_threads_) thread.join();
}

std::string LoopbackHttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

int LoopbackHttpServer::request_count(const std::string& path) const {
  return static_cast<int>(queries(path).size());
}

std::vector<std::string> LoopbackHttpServer::queries(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto found = queries_by_path_.find(path);
  if (found == queries_by_path_.end()) return {};
  return found->second;
}

std::vector<std::string> LoopbackHttpServer::paths() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> result;
  for (const auto& [path, queries] : queries_by_path_) result.push_back(path);
  return result;
}

void LoopbackHttpServer::accept_loop() {
  for (;;) {
    auto socket = std::make_shared<tcp::socket>(context_);
    boost::system::error_code error;
    acceptor_.accept(*socket, error);
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (error) continue;
    sockets_.push_back(socket);
    connection_threads_.emplace_back([this, socket] { serve(socket); });
  }
}

void LoopbackHttpServer::serve(std::shared_ptr<tcp::socket> socket) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    HttpRequest request;
    boost::system::error_code error;
    http::read(*socket, buffer, request, error);
    if (error) return;

    const std::string target(request.target());
    const std::size_t question = target.find('?');
    {
      std::lock_guard lock(mutex_);
      queries_by_path_[target.substr(0, question)].push_back(
          question == std::string::npos ? "" : target.substr(question + 1));
    }
    HttpResponse response = handler_(request);
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    http::write(*socket, response, error);
    if (error || !request.keep_alive()) return;
  }
}

bool percent_decode(std::string_view text, std::string& decoded) {
  decoded.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const std::string hex(text.substr(i + 1, 2));
    if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return false;
    decoded += static_cast<char>(std::stoi(hex, nullptr, 16));
    i += 2;
  }
  return true;
}

namespace {

HttpResponse plain_response(http::status status, std::string body) {
  HttpResponse response(status, 11);
  response.set(http::field::content_type, "text/plain");
  response.body() = std::move(body);
  return response;
}

// Parses "bytes=first-last" or "bytes=first-" for a file of `size` bytes
// into [first, last]. Returns nullopt for other forms or ranges outside.
std::optional<std::pair<std::size_t, std::size_t>> parse_range(std::string_view header,
                                                               std::size_t size) {
  constexpr std::string_view kPrefix = "bytes=";
  if (header.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  header.remove_prefix(kPrefix.size());
  const std::size_t dash = header.find('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  try {
    const std::size_t first = std::stoull(std::string(header.substr(0, dash)));
    const std::string_view rest = header.substr(dash + 1);
    const std::size_t last = rest.empty() ? size - 1 : std::stoull(std::string(rest));
    if (first > last || last >= size) return std::nullopt;
    return std::make_pair(first, last);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

HttpResponse serve_file(const HttpRequest& request, const std::filesystem::path& root,
                        std::string_view prefix) {
  std::string_view target = request.target();
  target = target.substr(0, target.find('?'));
  std::string relative;
  if (target.substr(0, prefix.size()) != prefix ||
      !percent_decode(target.substr(prefix.size()), relative)) {
    return plain_response(http::status::not_found, "no such file\n");
  }
  const std::filesystem::path path = root / std::filesystem::path(relative).relative_path();
  for (const std::filesystem::path& part : std::filesystem::path(relative)) {
    if (part == "..") return plain_response(http::status::not_found, "no such file\n");
  }
  std::ifstream in(path, std::ios::binary);
  if (relative.empty() || !std::filesystem::is_regular_file(path) || !in) {
    return plain_response(http::status::not_found, "no such file\n");
  }
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};

  const auto range_header = request.find(http::field::range);
  if (range_header == request.end()) {
    return plain_response(http::status::ok, content);
  }
  const auto range = parse_range(range_header->value(), content.size());
  if (!range) {
    HttpResponse response = plain_response(http::status::range_not_satisfiable, "");
    response.set(http::field::content_range, "bytes */" + std::to_string(content.size()));
    return response;
  }
  HttpResponse response =
      plain_response(http::status::partial_content,
                     content.substr(range->first, range->second - range->first + 1));
  response.set(http::field::content_range, "bytes " + std::to_string(range->first) + "-" +
                                               std::to_string(range->second) + "/" +
                                               std::to_string(content.size()));
  return response;
}

HttpResponse announce_reply(int seeds, int leechers, int interval_seconds) {
  return plain_response(http::status::ok, "d8:completei" + std::to_string(seeds) +
                                              "e10:incompletei" + std::to_string(leechers) +
                                              "e8:intervali" + std::to_string(interval_seconds) +
                                              "e5:peers0:e");
}

HttpResponse announce_failure(const std::string& reason) {
  return plain_response(http::status::ok,
                        "d14:failure reason" + std::to_string(reason.size()) + ":" + reason + "e");
}

namespace {

client::HttpResponse get(const LoopbackHttpServer& server, const std::string& target,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
  client::HttpClient http(server.url(""), std::chrono::seconds(10));
  client::HttpRequest request;
  request.target = target;
  request.headers = std::move(headers);
  return http.send(request);
}

class LoopbackHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "root" / "a dir");
    std::ofstream(dir_.path() / "root" / "a dir" / "ü.bin", std::ios::binary) << "0123456789";
    std::ofstream(dir_.path() / "secret.txt") << "outside the root";
  }

  TempDir dir_;
  LoopbackHttpServer server_{[this](const HttpRequest& request) {
    return serve_file(request, dir_.path() / "root", "/files/");
  }};
};

TEST_F(LoopbackHttp, ServesWholeFile) {
  const client::HttpResponse response = get(server_, "/files/a%20dir/%C3%BC.bin");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "0123456789");
  EXPECT_EQ(server_.request_count("/files/a%20dir/%C3%BC.bin"), 1);
  EXPECT_EQ(server_.paths(), std::vector<std::string>{"/files/a%20dir/%C3%BC.bin"});
}

TEST_F(LoopbackHttp, ServesByteRange) {
  const client::HttpResponse response =
      get(server_, "/files/a%20dir/%C3%BC.bin", {{"Range", "bytes=2-5"}});
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.body, "2345");
  EXPECT_EQ(response.headers.at("content-range"), "bytes 2-5/10");
}

TEST_F(LoopbackHttp, RejectsRangeOutsideFile) {
  const client::HttpResponse response =
      get(server_, "/files/a%20dir/%C3%BC.bin", {{"Range", "bytes=5-10"}});
  EXPECT_EQ(response.status, 416);
}

TEST_F(LoopbackHttp, RejectsPathOutsideRoot) {
  EXPECT_EQ(get(server_, "/files/../secret.txt").status, 404);
  EXPECT_EQ(get(server_, "/files/%2E%2E/secret.txt").status, 404);
  EXPECT_EQ(get(server_, "/files/missing.bin").status, 404);
  EXPECT_EQ(get(server_, "/elsewhere").status, 404);
}

TEST(LoopbackHttpTracker, CountsAnnouncesWithQueries) {
  LoopbackHttpServer tracker([](const HttpRequest&) { return announce_reply(3, 2, 1800); });
  const client::HttpResponse response = get(tracker, "/announce?info_hash=x&port=1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "d8:completei3e10:incompletei2e8:intervali1800e5:peers0:e");
  ASSERT_EQ(tracker.request_count("/announce"), 1);
  EXPECT_EQ(tracker.queries("/announce")[0], "info_hash=x&port=1");
}

}  // namespace
}  // namespace revaer::testing
