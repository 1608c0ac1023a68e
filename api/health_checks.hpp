#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "config/config_service.hpp"
#include "core/torrent.hpp"
#include "engine/engine.hpp"
#include "store/store.hpp"
#include "telemetry/health.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

// Component names in the health registry.
inline constexpr const char* kDatabaseComponent = "database";
inline constexpr const char* kEngineComponent = "engine";
inline constexpr const char* kFsopsComponent = "fsops";
inline constexpr const char* kRateLimitGuardComponent = "api_rate_limit_guard";

// Pings the store and marks "database" degraded or ok in `health` (when
// it is not null). Returns true when the store responded.
bool check_database(Store& store, HealthRegistry* health);

// The health of the "engine" component, from two sources: the periodic
// check, which finds the engine not running in active mode, and the
// engine's own fault reports (listen failures, storage errors, failed
// resume writes, an exception in the alert loop). The component is
// degraded while either has something to report, with every reason joined
// by "; ", and ok when neither has. Thread-safe: the health monitor runs
// the check while the engine's alert thread reports faults.
class EngineHealthCheck {
 public:
  // Consecutive checks that find the engine not running before that is
  // reported, so the moment between completing setup and the engine
  // starting is not.
  static constexpr int kChecksBeforeDegraded = 2;

  void run(const Engine& engine, const ConfigSnapshot& snapshot, HealthRegistry& health);

  // Replaces the engine's current faults; an EngineFaultSink.
  void report_faults(const std::vector<EngineFault>& faults, HealthRegistry& health);

 private:
  void publish_locked(HealthRegistry& health);

  std::mutex mutex_;
  int failed_checks_ = 0;            // guarded by mutex_
  std::vector<EngineFault> faults_;  // guarded by mutex_
};

// Returns the ids of the enabled keys without a valid rate_limit, sorted.
std::vector<std::string> keys_without_rate_limit(const ConfigSnapshot& snapshot);

// Marks "api_rate_limit_guard" degraded while any enabled key has no rate
// limit, naming the keys, and ok otherwise. With `violations` set, it is
// incremented once per such key: the daemon passes it for each applied
// settings revision.
void check_rate_limit_guard(const ConfigSnapshot& snapshot, HealthRegistry& health,
                            Counter* violations);

// Marks "fsops" degraded when a post-processing job fails and ok when a
// later one completes; other states change nothing. Called from the
// FsopsWorker status sink.
void report_fsops_health(HealthRegistry& health, const std::string& torrent_id,
                         const FsopsStatus& status);

// Returns config_guardrail_violations_total, registering it.
Counter& guardrail_violations_counter(MetricsRegistry& metrics);

}  // namespace revaer
