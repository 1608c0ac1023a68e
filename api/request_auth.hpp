#pragma once

#include <utility>

#include <cstdint>
#include <optional>

#include "api/auth_throttle.hpp"
#include "api/rate_limiter.hpp"
#include "api/router.hpp"
#include "core/problem.hpp"

namespace revaer {

// Ten wrong credentials at once per client address, then one more every
// 6 seconds.
inline constexpr RateLimit kAuthFailureLimit{10, 60};

// The verdict on one request to a guarded route.
struct AuthOutcome {
  std::optional<Problem> problem;  // set when the request is rejected
  // The state of the key's token bucket after this request, when the key
  // has a rate limit.
  std::optional<RateDecision> rate;
  std::uint64_t retry_after_seconds = 0;  // set with a 429 problem
};

// Sets WWW-Authenticate on a 401, Retry-After on a 429 and the
// X-RateLimit-* headers when the key has a rate limit.
void apply_auth_headers(HttpResponse& response, const AuthOutcome& outcome);

// Admits requests to Access::key, Access::stream and Access::qbit routes:
// the API key, stream ticket or qBittorrent SID cookie, failed-attempt
// throttling per client address, the key's token bucket and its scope.
// Thread-safe.
class RequestAuthenticator {
 public:
  // `failure_limit` bounds wrong credentials per client address.
  explicit RequestAuthenticator(RateLimit failure_limit);

  // Checks the request of `context` against `route` and sets
  // context.actor when it is admitted. Counts throttled requests into
  // context.api.metrics when it is set.
  AuthOutcome admit(const Route& route, RequestContext& context) const;

 private:
  mutable AuthThrottle failures_;
  mutable RateLimiter key_buckets_;
};

}  // namespace revaer
