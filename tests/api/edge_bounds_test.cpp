#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/api/edge_fixture.hpp"

namespace revaer::test {
namespace {

using http::verb;
using nlohmann::json;

using RequestBounds = EdgeTest;

const std::string kDeepJson = std::string(40, '[') + std::string(40, ']');

Reply send_raw(std::uint16_t port, const std::string& bytes) {
  TestConnection connection(port);
  connection.write(bytes);
  return connection.read_reply();
}

TEST_F(RequestBounds, LongTargetIs414) {
  Reply reply = send_raw(port_, "GET /health?pad=" + std::string(9000, 'p') +
                                    " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  expect_problem_reply(reply, 414, "uri-too-long");
}

TEST_F(RequestBounds, TargetBeyondHeaderLimitIs414) {
  Reply reply = send_raw(port_, "GET /" + std::string(20 * 1024, 'p') +
                                    " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  expect_problem_reply(reply, 414, "uri-too-long");
}

TEST_F(RequestBounds, LargeHeaderIs431) {
  Reply reply = send_raw(port_, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "x-filler: " +
                                    std::string(20 * 1024, 'f') + "\r\n\r\n");
  expect_problem_reply(reply, 431, "header-too-large");
}

TEST_F(RequestBounds, ManyHeaderFieldsIs431) {
  std::string head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 100; ++i) {
    head += "x-f" + std::to_string(i) + ": 1\r\n";
  }
  Reply reply = send_raw(port_, head + "\r\n");
  expect_problem_reply(reply, 431, "header-too-large");

  // 100 fields in all, Host included, are still fine.
  std::string fits = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 99; ++i) {
    fits += "x-f" + std::to_string(i) + ": 1\r\n";
  }
  EXPECT_EQ(send_raw(port_, fits + "\r\n").status, 200);
}

TEST_F(RequestBounds, UploadRouteTakesLargerBody) {
  complete_setup();
  // 2 MiB is over the JSON limit but under the upload limit, so the body
  // is read and handed to the (fake) engine instead of rejected for size.
  std::string metainfo(2 * 1024 * 1024, 'A');
  Reply upload =
      authed(verb::post, "/v1/torrents", json{{"metainfo", metainfo}}.dump());
  EXPECT_NE(upload.status, 413) << upload.body;

  Reply config = authed(verb::patch, "/v1/config",
                        json{{"pad", metainfo}}.dump());
  expect_problem_reply(config, 413, "payload-too-large");
}

TEST_F(RequestBounds, UploadOverLimitIs413) {
  complete_setup();
  Reply reply = send_raw(port_, "POST /v1/torrents HTTP/1.1\r\n"
                                "Host: 127.0.0.1\r\n"
                                "x-revaer-api-key: " + api_key_ + "\r\n"
                                "Content-Length: 17000000\r\n\r\n");
  expect_problem_reply(reply, 413, "payload-too-large");
}

TEST_F(RequestBounds, DeepJsonRejectedOnSetupRoutes) {
  expect_problem_reply(request(verb::post, "/admin/setup/start", kDeepJson),
                       400, "bad-request");
  Reply start = request(verb::post, "/admin/setup/start", "{}");
  ASSERT_EQ(start.status, 200);
  std::string token = start.json().at("token");
  expect_problem_reply(request(verb::post, "/admin/setup/complete", kDeepJson,
                               {{"x-revaer-setup-token", token}}),
                       400, "bad-request");
}

TEST_F(RequestBounds, DeepJsonRejectedOnKeyRoutes) {
  complete_setup();
  const std::string torrent = "/v1/torrents/00000000-0000-4000-8000-000000000001";
  struct Case {
    verb method;
    std::string target;
  };
  for (const Case& c : {Case{verb::patch, "/v1/config"},
                        Case{verb::patch, "/admin/settings"},
                        Case{verb::post, "/v1/torrents"},
                        Case{verb::post, torrent + "/action"}}) {
    Reply reply = authed(c.method, c.target, kDeepJson);
    expect_problem_reply(reply, 400, "bad-request");
    EXPECT_NE(reply.json().at("detail").get<std::string>().find("deeper"),
              std::string::npos)
        << c.target;
  }
}

TEST_F(RequestBounds, MagnetTooLongIs422) {
  complete_setup();
  std::string magnet =
      "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=" +
      std::string(9000, 'a');
  Reply reply = authed(verb::post, "/v1/torrents", json{{"magnet", magnet}}.dump());
  EXPECT_TRUE(reply.status == 400 || reply.status == 422) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/problem+json");
}

TEST_F(RequestBounds, TooManyFilterValuesIs422) {
  complete_setup();
  std::string states;
  for (int i = 0; i < 33; ++i) {
    states += (i == 0 ? "" : ",") + std::string("seeding");
  }
  expect_problem_reply(authed(verb::get, "/v1/torrents?state=" + states), 422,
                       "invalid-input");
  std::string names = "/v1/torrents?name=a";
  for (int i = 0; i < 32; ++i) {
    names += "&name=b" + std::to_string(i);
  }
  expect_problem_reply(authed(verb::get, names), 422, "invalid-input");
}

TEST_F(RequestBounds, TooManyGlobsIs422) {
  complete_setup();
  json globs = json::array();
  for (int i = 0; i < 257; ++i) {
    globs.push_back("*.part" + std::to_string(i));
  }
  Reply reply = patch_config({{"fs_policy", {{"cleanup_drop", globs}}}});
  expect_problem_reply(reply, 422, "invalid-input");
  EXPECT_EQ(reply.json().at("invalid_params").at(0).at("pointer"),
            "/fs_policy/cleanup_drop");
}

class SlowClients : public EdgeTest {
 protected:
  HttpLimits limits() const override {
    HttpLimits limits;
    limits.idle_timeout = std::chrono::milliseconds(300);
    limits.header_timeout = std::chrono::milliseconds(300);
    return limits;
  }
};

TEST_F(SlowClients, ByteByByteHeaderGets408) {
  TestConnection connection(port_);
  std::string head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nx-slow: " +
                     std::string(20, 's');
  // Each byte arrives well within any per-read timeout, but the header as
  // a whole does not. Writes fail once the server has responded and closed.
  try {
    for (char byte : head) {
      connection.write(std::string(1, byte));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } catch (const std::runtime_error&) {
  }
  Reply reply = connection.read_reply();
  expect_problem_reply(reply, 408, "request-timeout");
}

TEST_F(SlowClients, IdleKeepAliveClosedQuietly) {
  TestConnection connection(port_);
  connection.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  Reply reply = connection.read_reply();
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.header("connection"), "close");
  EXPECT_TRUE(connection.wait_closed());
}

TEST_F(SlowClients, SilentNewConnectionClosedQuietly) {
  TestConnection connection(port_);
  EXPECT_TRUE(connection.wait_closed());
}

class OneConnection : public EdgeTest {
 protected:
  HttpLimits limits() const override {
    HttpLimits limits;
    limits.max_connections = 1;
    return limits;
  }
};

TEST_F(OneConnection, SecondGets503AndCloses) {
  TestConnection first(port_);
  first.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_EQ(first.read_reply().status, 200);

  TestConnection second(port_);
  Reply reply = second.read_reply();
  expect_problem_reply(reply, 503, "unavailable");
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_TRUE(second.wait_closed());
}

}  // namespace
}  // namespace revaer::test
