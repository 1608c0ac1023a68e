#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/api/edge_fixture.hpp"

namespace revaer::test {

namespace {

using http::verb;
using nlohmann::json;

// Three wrong credentials, then one more every 20 minutes.
class AuthThrottling : public EdgeTest {
 protected:
  HttpLimits limits() const override {
    HttpLimits limits;
    limits.auth_failures = {3, 3600};
    return limits;
  }
};

TEST_F(AuthThrottling, WrongKeysThen429) {
  complete_setup();
  for (int i = 0; i < 3; ++i) {
    Reply wrong = get_with_key("/v1/config", "admin:wrong-secret");
    expect_problem_reply(wrong, 401, "unauthorized");
  }

  Reply throttled = get_with_key("/v1/config", "admin:wrong-secret");
  expect_problem_reply(throttled, 429, "rate-limited");
  EXPECT_EQ(throttled.header("retry-after"), "1200");
  EXPECT_EQ(counter("api_auth_failures_total"), 3);
  EXPECT_EQ(counter("api_auth_throttled_total"), 1);
}

TEST_F(AuthThrottling, ValidKeyWaitsWhileAddressBlocked) {
  complete_setup();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(get_with_key("/v1/config", "admin:wrong-secret").status, 401);
  }
  // The credential is not checked at all, so a correct guess is not
  // revealed either.
  Reply valid = get_with_key("/v1/config", api_key_);
  expect_problem_reply(valid, 429, "rate-limited");
}

TEST_F(AuthThrottling, OtherAddressesUnaffected) {
  complete_setup();
  std::uint16_t port6 =
      server_->listen({boost::asio::ip::make_address("::1"), 0}).port();
  for (int i = 0; i < 4; ++i) {
    get_with_key("/v1/config", "admin:wrong-secret");
  }
  ASSERT_EQ(get_with_key("/v1/config", api_key_).status, 429);

  EXPECT_EQ(get_with_key("/v1/config", api_key_, port6, "::1").status, 200);
  EXPECT_EQ(
      get_with_key("/v1/config", "admin:wrong-secret", port6, "::1").status,
      401);
}

TEST_F(AuthThrottling, ValidKeysDoNotCount) {
  complete_setup();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(get_with_key("/v1/config", api_key_).status, 200);
  }
  EXPECT_EQ(get_with_key("/v1/config", "admin:wrong-secret").status, 401);
}

TEST_F(AuthThrottling, MissingKeyDoesNotCount) {
  complete_setup();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(request(verb::get, "/v1/config").status, 401);
  }
  EXPECT_EQ(get_with_key("/v1/config", api_key_).status, 200);
}

TEST_F(AuthThrottling, WrongTicketsCount) {
  complete_setup();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(request(verb::get, "/v1/events?ticket=guess").status, 401);
  }
  EXPECT_EQ(request(verb::get, "/v1/events?ticket=guess").status, 429);
}

// Two wrong credentials, then one more every 500 ms.
class FastRefill : public EdgeTest {
 protected:
  HttpLimits limits() const override {
    HttpLimits limits;
    limits.auth_failures = {2, 1};
    return limits;
  }
};

TEST_F(FastRefill, BlockedAddressRecovers) {
  complete_setup();
  for (int i = 0; i < 3; ++i) {
    get_with_key("/v1/config", "admin:wrong-secret");
  }
  // The bucket refills, so a valid key gets through again. Polled with a
  // generous bound instead of a timed assertion.
  int status = 0;
  for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
    status = get_with_key("/v1/config", api_key_).status;
    if (status != 200) {
      EXPECT_EQ(status, 429);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace revaer::test
