#pragma once

#include "api/auth_throttle.hpp"
#include "api/qbit/qbit_peers_sync.hpp"
#include "api/qbit/qbit_sessions.hpp"
#include "api/qbit/qbit_sync.hpp"
#include "api/rate_limiter.hpp"

namespace revaer {

// The state the qBittorrent WebAPI façade keeps between requests, owned by
// the Dispatcher. Thread-safe.
class QbitState {
 public:
  // `login_failure_limit` bounds wrong auth/login credentials per client
  // address.
  explicit QbitState(RateLimit login_failure_limit)
      : login_failures(login_failure_limit) {}

  QbitSessions sessions;
  AuthThrottle login_failures;
  QbitSyncCache sync;
  QbitPeersCache peers;
};

}  // namespace revaer
