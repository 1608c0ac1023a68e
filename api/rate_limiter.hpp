#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace revaer {

using RateClock = std::chrono::steady_clock;

// A token bucket's parameters: `burst` requests at once, refilled at
// burst / per_seconds tokens per second. Both are positive.
struct RateLimit {
  double burst = 1;
  double per_seconds = 1;

  friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

// Parses an API key's `rate_limit` setting ({"burst", "per_seconds"}).
// Returns nullopt for null and for anything that is not a valid limit, so
// such a key is not limited.
std::optional<RateLimit> parse_rate_limit(const nlohmann::json& value);

// The outcome of one request against a bucket, in the units of the
// X-RateLimit-* and Retry-After headers.
struct RateDecision {
  bool allowed = false;
  std::uint64_t limit = 0;          // the burst
  std::uint64_t remaining = 0;      // whole tokens left after this request
  std::uint64_t reset_seconds = 0;  // until the bucket is full, rounded up
  // Until the next token, rounded up and at least 1. Set when !allowed.
  std::uint64_t retry_after_seconds = 0;
};

// One token bucket. Not thread-safe: RateLimiter guards it.
class TokenBucket {
 public:
  // Starts full.
  TokenBucket(RateLimit limit, RateClock::time_point now);

  // Takes one token when one is available.
  RateDecision take(RateClock::time_point now);

  // Returns one token taken by take(), up to the burst.
  void give_back();

  // Returns true when the bucket contains `burst` tokens at `now`, so that
  // dropping it loses nothing.
  bool full_at(RateClock::time_point now) const;

  const RateLimit& limit() const { return limit_; }

 private:
  double tokens_at(RateClock::time_point now) const;
  RateDecision describe(bool allowed) const;

  RateLimit limit_;
  double rate_;  // tokens per second
  double tokens_;
  RateClock::time_point updated_;
};

// Token buckets by name (an API key id or a client address). Thread-safe:
// names are spread over shards with one short mutex each, so requests of
// different keys rarely wait for each other.
//
// The number of buckets is bounded. A shard that is full drops its full
// buckets first, and names that still do not fit share one overflow bucket
// per shard, so a flood of new names cannot grow memory without bound.
class RateLimiter {
 public:
  explicit RateLimiter(std::size_t max_buckets = 16 * 1024);

  // Takes one token from the bucket of `name`. A name seen for the first
  // time, or with a limit different from its bucket's, starts with a full
  // bucket of `limit`.
  RateDecision acquire(std::string_view name, const RateLimit& limit,
                       RateClock::time_point now);

  // Returns the token that acquire() took for `name`, for a request that
  // turned out not to count against the limit.
  void release(std::string_view name);

  // The number of named buckets, for tests.
  std::size_t size() const;

 private:
  static constexpr std::size_t kShardCount = 16;

  struct Shard {
    mutable std::mutex mutex;  // guards the members below
    std::unordered_map<std::string, TokenBucket> buckets;
    std::optional<TokenBucket> overflow;
  };

  Shard& shard_for(std::string_view name);
  TokenBucket& bucket_in(Shard& shard, std::string_view name,
                         const RateLimit& limit, RateClock::time_point now);

  std::size_t max_per_shard_;
  std::array<Shard, kShardCount> shards_;
};

}  // namespace revaer
