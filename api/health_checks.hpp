#pragma once

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

// Marks "engine" degraded once consecutive checks found the mode active
// and the engine not running, and ok as soon as one check does not. Two
// checks are needed, so the moment between completing setup and the
// engine starting is not reported. One thread runs the checks.
class EngineHealthCheck {
 public:
  static constexpr int kChecksBeforeDegraded = 2;

  void run(const Engine& engine, const ConfigSnapshot& snapshot, HealthRegistry& health);

 private:
  int failed_checks_ = 0;
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
