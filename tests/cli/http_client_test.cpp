#include "cli/http_client.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_harness.hpp"

namespace revaer::client {
namespace {

using namespace std::chrono_literals;
using testing::CannedResponse;
using testing::StubServer;

TEST(HttpClientUrl, AcceptsHostAndPortForms) {
  for (const char* url : {"http://127.0.0.1:7070", "http://127.0.0.1:7070/", "http://localhost",
                          "http://[::1]", "http://[::1]:8080", "http://example.test:1"}) {
    EXPECT_NO_THROW(HttpClient(url, 1s)) << url;
  }
}

TEST(HttpClientUrl, RejectsOtherForms) {
  for (const char* url :
       {"", "127.0.0.1:7070", "https://127.0.0.1:7070", "ftp://host", "http://", "http://:80",
        "http://host:", "http://host:abc", "http://host:0", "http://host:70000", "http://[::1",
        "http://[::1]x", "http://[]:80", "http://host/path", "http://user@host", "http://host?x=1",
        "http://ho st"}) {
    EXPECT_THROW(HttpClient(url, 1s), std::invalid_argument) << url;
  }
}

TEST(HttpClientUrl, RejectsNonPositiveTimeout) {
  EXPECT_THROW(HttpClient("http://127.0.0.1", 0ms), std::invalid_argument);
}

TEST(HttpClientSend, SendsMethodTargetHeadersAndBody) {
  StubServer server;
  server.set_default({201, R"({"ok":true})", "application/json", {{"X-Custom-Header", "value"}}});
  const HttpClient client(server.url(), 10s);

  HttpRequest request;
  request.method = "PUT";
  request.target = "/a/b?c=d%20e";
  request.headers = {{"X-Revaer-Api-Key", "id:secret"}};
  request.body = "payload";
  const auto response = client.send(request);

  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(response.headers.at("x-custom-header"), "value");
  EXPECT_EQ(response.headers.at("content-type"), "application/json");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].target, "/a/b?c=d%20e");
  EXPECT_EQ(requests[0].header("x-revaer-api-key"), "id:secret");
  EXPECT_EQ(requests[0].header("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(requests[0].body, "payload");
}

TEST(HttpClientSend, GetWithoutBodyHasNoContentLength) {
  StubServer server;
  const HttpClient client(server.url(), 10s);
  client.send(HttpRequest{});

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/");
  EXPECT_FALSE(requests[0].has_header("content-length"));
}

TEST(HttpClientSend, ErrorStatusIsReturnedNotThrown) {
  StubServer server;
  server.set_default({404, R"({"title":"Not Found"})", "application/problem+json", {}});
  const HttpClient client(server.url(), 10s);
  const auto response = client.send(HttpRequest{});
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.headers.at("content-type"), "application/problem+json");
}

TEST(HttpClientSend, ReadsLargeBody) {
  StubServer server;
  const std::string big(3 * 1024 * 1024, 'x');
  server.set_default({200, big, "text/plain", {}});
  const HttpClient client(server.url(), 30s);
  EXPECT_EQ(client.send(HttpRequest{}).body.size(), big.size());
}

TEST(HttpClientSend, ConnectionRefusedThrows) {
  const auto url = "http://127.0.0.1:" + std::to_string(testing::closed_port());
  const HttpClient client(url, 10s);
  EXPECT_THROW(client.send(HttpRequest{}), HttpError);
}

TEST(HttpClientSend, SilentServerTimesOut) {
  StubServer server;
  server.hang();
  const HttpClient client(server.url(), 300ms);
  try {
    client.send(HttpRequest{});
    FAIL() << "expected a timeout";
  } catch (const HttpError& error) {
    EXPECT_NE(std::string(error.what()).find("timed out"), std::string::npos) << error.what();
  }
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClientSend, ReachesIpv6Loopback) {
  std::unique_ptr<StubServer> server;
  try {
    server = std::make_unique<StubServer>(true);
  } catch (const std::runtime_error&) {
    GTEST_SKIP() << "no IPv6 loopback on this machine";
  }
  const HttpClient client(server->url(), 10s);
  EXPECT_EQ(client.send(HttpRequest{}).status, 200);

  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("host"), "[::1]:" + std::to_string(server->port()));
}

}  // namespace
}  // namespace revaer::client
