#include "api/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace revaer {
namespace {

// Absorbs rounding error, so that 2.0000000001 seconds rounds up to 2 and
// not to 3.
constexpr double kEpsilon = 1e-9;

std::uint64_t round_up(double value) {
  if (value <= kEpsilon) {
    return 0;
  }
  double rounded = std::ceil(value - kEpsilon);
  if (rounded >= static_cast<double>(std::numeric_limits<std::uint64_t>::max())) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return static_cast<std::uint64_t>(rounded);
}

std::uint64_t round_down(double value) {
  if (value <= 0) {
    return 0;
  }
  return static_cast<std::uint64_t>(std::floor(value + kEpsilon));
}

}  // namespace

std::optional<RateLimit> parse_rate_limit(const nlohmann::json& value) {
  if (!value.is_object()) {
    return std::nullopt;
  }
  auto burst = value.find("burst");
  auto per_seconds = value.find("per_seconds");
  if (burst == value.end() || per_seconds == value.end() ||
      !burst->is_number() || !per_seconds->is_number()) {
    return std::nullopt;
  }
  RateLimit limit{burst->get<double>(), per_seconds->get<double>()};
  if (!(limit.burst >= 1) || !(limit.per_seconds > 0)) {
    return std::nullopt;
  }
  return limit;
}

TokenBucket::TokenBucket(RateLimit limit, RateClock::time_point now)
    : limit_(limit),
      rate_(limit.burst / limit.per_seconds),
      tokens_(limit.burst),
      updated_(now) {}

double TokenBucket::tokens_at(RateClock::time_point now) const {
  if (now <= updated_) {
    return tokens_;
  }
  double elapsed = std::chrono::duration<double>(now - updated_).count();
  return std::min(limit_.burst, tokens_ + elapsed * rate_);
}

RateDecision TokenBucket::take(RateClock::time_point now) {
  tokens_ = tokens_at(now);
  updated_ = std::max(updated_, now);
  bool allowed = tokens_ >= 1 - kEpsilon;
  if (allowed) {
    tokens_ = std::max(0.0, tokens_ - 1);
  }
  return describe(allowed);
}

void TokenBucket::give_back() { tokens_ = std::min(limit_.burst, tokens_ + 1); }

bool TokenBucket::full_at(RateClock::time_point now) const {
  return tokens_at(now) >= limit_.burst - kEpsilon;
}

RateDecision TokenBucket::describe(bool allowed) const {
  RateDecision decision;
  decision.allowed = allowed;
  decision.limit = round_down(limit_.burst);
  decision.remaining = round_down(tokens_);
  decision.reset_seconds = round_up((limit_.burst - tokens_) / rate_);
  if (!allowed) {
    decision.retry_after_seconds =
        std::max<std::uint64_t>(1, round_up((1 - tokens_) / rate_));
  }
  return decision;
}

RateLimiter::RateLimiter(std::size_t max_buckets)
    : max_per_shard_(std::max<std::size_t>(1, max_buckets / kShardCount)) {}

RateLimiter::Shard& RateLimiter::shard_for(std::string_view name) {
  return shards_[std::hash<std::string_view>{}(name) % kShardCount];
}

// Finds or makes the bucket of `name`. Called with the shard's mutex held.
TokenBucket& RateLimiter::bucket_in(Shard& shard, std::string_view name,
                                    const RateLimit& limit,
                                    RateClock::time_point now) {
  std::string key(name);
  auto found = shard.buckets.find(key);
  if (found != shard.buckets.end()) {
    if (!(found->second.limit() == limit)) {
      // A changed limit applies at once, with a full bucket.
      found->second = TokenBucket(limit, now);
    }
    return found->second;
  }

  if (shard.buckets.size() >= max_per_shard_) {
    std::erase_if(shard.buckets,
                  [now](const auto& entry) { return entry.second.full_at(now); });
  }
  if (shard.buckets.size() >= max_per_shard_) {
    if (!shard.overflow || !(shard.overflow->limit() == limit)) {
      shard.overflow.emplace(limit, now);
    }
    return *shard.overflow;
  }
  return shard.buckets.emplace(std::move(key), TokenBucket(limit, now))
      .first->second;
}

RateDecision RateLimiter::acquire(std::string_view name,
                                  const RateLimit& limit,
                                  RateClock::time_point now) {
  Shard& shard = shard_for(name);
  std::lock_guard lock(shard.mutex);
  return bucket_in(shard, name, limit, now).take(now);
}

void RateLimiter::release(std::string_view name) {
  Shard& shard = shard_for(name);
  std::lock_guard lock(shard.mutex);
  auto found = shard.buckets.find(std::string(name));
  if (found != shard.buckets.end()) {
    found->second.give_back();
  } else if (shard.overflow) {
    shard.overflow->give_back();
  }
}

std::size_t RateLimiter::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace revaer
