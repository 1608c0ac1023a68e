#include "api/rate_limiter.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/auth_throttle.hpp"

namespace revaer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const RateClock::time_point kStart{seconds(1000)};

TEST(TokenBucket, AllowsBurstThenRejects) {
  TokenBucket bucket({3, 30}, kStart);  // one token per 10 s
  for (std::uint64_t left : {2u, 1u, 0u}) {
    RateDecision decision = bucket.take(kStart);
    EXPECT_TRUE(decision.allowed);
    EXPECT_EQ(decision.limit, 3u);
    EXPECT_EQ(decision.remaining, left);
    EXPECT_EQ(decision.reset_seconds, (3 - left) * 10);
  }

  RateDecision rejected = bucket.take(kStart);
  EXPECT_FALSE(rejected.allowed);
  EXPECT_EQ(rejected.remaining, 0u);
  EXPECT_EQ(rejected.retry_after_seconds, 10u);
  EXPECT_EQ(rejected.reset_seconds, 30u);
}

TEST(TokenBucket, RefillsAtBurstPerSeconds) {
  TokenBucket bucket({2, 1}, kStart);  // one token per 500 ms
  EXPECT_TRUE(bucket.take(kStart).allowed);
  EXPECT_TRUE(bucket.take(kStart).allowed);
  EXPECT_FALSE(bucket.take(kStart + milliseconds(499)).allowed);
  EXPECT_TRUE(bucket.take(kStart + milliseconds(500)).allowed);
  EXPECT_FALSE(bucket.take(kStart + milliseconds(500)).allowed);

  // A long pause fills the bucket only up to the burst.
  RateClock::time_point later = kStart + seconds(3600);
  EXPECT_TRUE(bucket.full_at(later));
  EXPECT_EQ(bucket.take(later).remaining, 1u);
}

TEST(TokenBucket, RetryAfterRoundsUp) {
  TokenBucket bucket({1, 2.5}, kStart);
  EXPECT_TRUE(bucket.take(kStart).allowed);
  RateDecision rejected = bucket.take(kStart + milliseconds(100));
  EXPECT_FALSE(rejected.allowed);
  EXPECT_EQ(rejected.retry_after_seconds, 3u);  // 2.4 s rounded up
}

TEST(TokenBucket, RetryAfterIsAtLeastOneSecond) {
  TokenBucket bucket({1000, 1}, kStart);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(bucket.take(kStart).allowed);
  }
  RateDecision rejected = bucket.take(kStart);
  EXPECT_FALSE(rejected.allowed);
  EXPECT_EQ(rejected.retry_after_seconds, 1u);
}

TEST(TokenBucket, GiveBackRestoresToken) {
  TokenBucket bucket({1, 60}, kStart);
  EXPECT_TRUE(bucket.take(kStart).allowed);
  bucket.give_back();
  EXPECT_TRUE(bucket.take(kStart).allowed);
  bucket.give_back();
  bucket.give_back();  // never beyond the burst
  EXPECT_TRUE(bucket.take(kStart).allowed);
  EXPECT_FALSE(bucket.take(kStart).allowed);
}

TEST(ParseRateLimit, AcceptsValidLimits) {
  auto limit = parse_rate_limit({{"burst", 20}, {"per_seconds", 10}});
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->burst, 20);
  EXPECT_EQ(limit->per_seconds, 10);
  EXPECT_TRUE(parse_rate_limit({{"burst", 1}, {"per_seconds", 0.5}}));
}

TEST(ParseRateLimit, RejectsNullAndInvalid) {
  for (const nlohmann::json& value :
       {nlohmann::json(), nlohmann::json::object(),
        nlohmann::json{{"burst", 0}, {"per_seconds", 1}},
        nlohmann::json{{"burst", 5}, {"per_seconds", 0}},
        nlohmann::json{{"burst", "5"}, {"per_seconds", 1}},
        nlohmann::json{{"burst", 5}}, nlohmann::json::array()}) {
    EXPECT_FALSE(parse_rate_limit(value)) << value.dump();
  }
}

TEST(RateLimiter, KeepsOneBucketPerName) {
  RateLimiter limiter;
  RateLimit limit{1, 60};
  EXPECT_TRUE(limiter.acquire("a", limit, kStart).allowed);
  EXPECT_FALSE(limiter.acquire("a", limit, kStart).allowed);
  EXPECT_TRUE(limiter.acquire("b", limit, kStart).allowed);
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(RateLimiter, ChangedLimitStartsFullBucket) {
  RateLimiter limiter;
  EXPECT_TRUE(limiter.acquire("key", {1, 3600}, kStart).allowed);
  EXPECT_FALSE(limiter.acquire("key", {1, 3600}, kStart).allowed);

  RateDecision raised = limiter.acquire("key", {5, 3600}, kStart);
  EXPECT_TRUE(raised.allowed);
  EXPECT_EQ(raised.limit, 5u);
  EXPECT_EQ(raised.remaining, 4u);
}

TEST(RateLimiter, ReleaseReturnsToken) {
  RateLimiter limiter;
  EXPECT_TRUE(limiter.acquire("key", {1, 3600}, kStart).allowed);
  limiter.release("key");
  EXPECT_TRUE(limiter.acquire("key", {1, 3600}, kStart).allowed);
}

TEST(RateLimiter, BoundsBucketCount) {
  RateLimiter limiter(64);  // four per shard
  RateLimit limit{1, 3600};
  for (int i = 0; i < 1000; ++i) {
    limiter.acquire("name-" + std::to_string(i), limit, kStart);
  }
  EXPECT_LE(limiter.size(), 64u);
}

TEST(RateLimiter, NewNamesShareOverflowWhenFull) {
  RateLimiter limiter(16);  // one bucket per shard
  RateLimit limit{1, 3600};
  int allowed = 0;
  for (int i = 0; i < 200; ++i) {
    if (limiter.acquire("name-" + std::to_string(i), limit, kStart).allowed) {
      allowed++;
    }
  }
  // One named bucket and one overflow bucket per shard at most, so a flood
  // of new names cannot mint fresh tokens.
  EXPECT_LE(allowed, 32);
  EXPECT_GE(allowed, 16);
  EXPECT_LE(limiter.size(), 16u);
}

TEST(RateLimiter, FullBucketsMakeRoomForNewNames) {
  RateLimiter limiter(16);
  RateLimit limit{1, 1};
  for (int i = 0; i < 100; ++i) {
    // Each earlier bucket is full again two seconds later, so it is dropped
    // and the new name gets a bucket of its own.
    limiter.acquire("name-" + std::to_string(i), limit, kStart + seconds(i * 2));
    EXPECT_LE(limiter.size(), 16u);
  }
  EXPECT_GE(limiter.size(), 1u);
}

TEST(RateLimiter, ConcurrentAcquireNeverExceedsBurst) {
  RateLimiter limiter;
  RateLimit limit{1000, 1e9};  // no refill within the test
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.acquire("shared", limit, kStart).allowed) {
          allowed++;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(AuthThrottle, GroupsIpv6By64) {
  namespace ip = boost::asio::ip;
  EXPECT_EQ(AuthThrottle::client_key(ip::make_address("2001:db8:1:2:3:4:5:6")),
            AuthThrottle::client_key(ip::make_address("2001:db8:1:2::9")));
  EXPECT_NE(AuthThrottle::client_key(ip::make_address("2001:db8:1:2::1")),
            AuthThrottle::client_key(ip::make_address("2001:db8:1:3::1")));
  EXPECT_EQ(AuthThrottle::client_key(ip::make_address("::ffff:10.0.0.1")),
            AuthThrottle::client_key(ip::make_address("10.0.0.1")));
  EXPECT_NE(AuthThrottle::client_key(ip::make_address("::a00:1")),
            AuthThrottle::client_key(ip::make_address("10.0.0.1")));
  EXPECT_NE(AuthThrottle::client_key(ip::make_address("10.0.0.1")),
            AuthThrottle::client_key(ip::make_address("10.0.0.2")));
}

TEST(AuthThrottle, ValidAttemptsDoNotCount) {
  AuthThrottle throttle({2, 3600});
  auto client = boost::asio::ip::make_address("192.0.2.7");
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(throttle.begin_attempt(client, kStart).allowed);
    throttle.succeeded(client);
  }
  EXPECT_TRUE(throttle.begin_attempt(client, kStart).allowed);
  EXPECT_TRUE(throttle.begin_attempt(client, kStart).allowed);
  RateDecision blocked = throttle.begin_attempt(client, kStart);
  EXPECT_FALSE(blocked.allowed);
  EXPECT_EQ(blocked.retry_after_seconds, 1800u);
}

}  // namespace
}  // namespace revaer
