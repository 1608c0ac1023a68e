#include <string>

#include <gtest/gtest.h>

#include "tests/api/edge_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

using HostAllowList = EdgeTest;

// Sends `head` (request line and fields, without the blank line) and
// returns the response.
Reply send_raw(std::uint16_t port, const std::string& head,
               const char* address = "127.0.0.1") {
  TestConnection connection(port, address);
  connection.write(head + "\r\n");
  return connection.read_reply();
}

std::string get_config(const std::string& host, const std::string& key) {
  return "GET /v1/config HTTP/1.1\r\nHost: " + host +
         "\r\nx-revaer-api-key: " + key + "\r\n";
}

TEST_F(HostAllowList, LoopbackNamesAccepted) {
  complete_setup();
  std::string port = std::to_string(port_);
  for (const std::string& host :
       {std::string("127.0.0.1"), "127.0.0.1:" + port, std::string("localhost"),
        "LOCALHOST:" + port, "[::1]:" + port, std::string("localhost.")}) {
    Reply reply = send_raw(port_, get_config(host, api_key_));
    EXPECT_EQ(reply.status, 200) << host << ": " << reply.body;
  }
}

TEST_F(HostAllowList, ForeignHostGets421WithValidKey) {
  complete_setup();
  Reply reply = send_raw(port_, get_config("rebind.example", api_key_));
  expect_problem_reply(reply, 421, "misdirected-request");
  EXPECT_EQ(reply.header("connection"), "close");

  Reply health = send_raw(port_, "GET /health HTTP/1.1\r\nHost: 10.9.8.7\r\n");
  expect_problem_reply(health, 421, "misdirected-request");
}

TEST_F(HostAllowList, ConfiguredNameAccepted) {
  complete_setup();
  ASSERT_EQ(send_raw(port_, get_config("media.example:7070", api_key_)).status,
            421);

  Reply patched =
      patch_config({{"app_profile", {{"allowed_hosts", {"Media.Example"}}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;

  Reply allowed = send_raw(port_, get_config("media.example:7070", api_key_));
  EXPECT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(send_raw(port_, get_config("other.example", api_key_)).status, 421);
}

TEST_F(HostAllowList, MissingHostIs400OnHttp11) {
  Reply reply = send_raw(port_, "GET /health HTTP/1.1\r\n");
  expect_problem_reply(reply, 400, "bad-request");
}

TEST_F(HostAllowList, MissingHostAllowedOnHttp10) {
  Reply reply = send_raw(port_, "GET /health HTTP/1.0\r\n");
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(HostAllowList, RepeatedOrMalformedHostIs400) {
  expect_problem_reply(
      send_raw(port_,
               "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil\r\n"),
      400, "bad-request");
  expect_problem_reply(
      send_raw(port_, "GET /health HTTP/1.1\r\nHost: 127.0.0.1:port\r\n"), 400,
      "bad-request");
  expect_problem_reply(send_raw(port_, "GET /health HTTP/1.1\r\nHost: ::1\r\n"),
                       400, "bad-request");
}

TEST_F(HostAllowList, Ipv6LoopbackListener) {
  std::uint16_t port6 =
      server_->listen({boost::asio::ip::make_address("::1"), 0}).port();
  std::string port = std::to_string(port6);
  for (const std::string& host :
       {"[::1]:" + port, std::string("localhost"), std::string("127.0.0.1")}) {
    Reply reply =
        send_raw(port6, "GET /health HTTP/1.1\r\nHost: " + host + "\r\n", "::1");
    EXPECT_EQ(reply.status, 200) << host << ": " << reply.body;
  }
}

}  // namespace
}  // namespace revaer::test
