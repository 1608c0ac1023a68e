#include "api/health_checks.hpp"

#include <algorithm>

#include "api/rate_limiter.hpp"

namespace revaer {

bool check_database(Store& store, HealthRegistry* health) {
  const bool reachable = store.ping();
  if (health != nullptr) {
    if (reachable) {
      health->clear(kDatabaseComponent);
    } else {
      health->degrade(kDatabaseComponent, "the database is not reachable");
    }
  }
  return reachable;
}

void EngineHealthCheck::run(const Engine& engine, const ConfigSnapshot& snapshot,
                            HealthRegistry& health) {
  std::lock_guard lock(mutex_);
  if (!snapshot.is_active() || engine.running()) {
    failed_checks_ = 0;
  } else {
    ++failed_checks_;
  }
  publish_locked(health);
}

void EngineHealthCheck::report_faults(const std::vector<EngineFault>& faults,
                                      HealthRegistry& health) {
  std::lock_guard lock(mutex_);
  faults_ = faults;
  publish_locked(health);
}

void EngineHealthCheck::publish_locked(HealthRegistry& health) {
  std::vector<std::string> reasons;
  if (failed_checks_ >= kChecksBeforeDegraded) {
    reasons.emplace_back("the torrent engine is not running in active mode");
  }
  for (const EngineFault& fault : faults_) reasons.push_back(fault.reason);
  if (reasons.empty()) {
    health.clear(kEngineComponent);
    return;
  }

  std::string joined;
  for (const std::string& reason : reasons) {
    if (!joined.empty()) joined += "; ";
    joined += reason;
  }
  health.degrade(kEngineComponent, joined);
}

std::vector<std::string> keys_without_rate_limit(const ConfigSnapshot& snapshot) {
  std::vector<std::string> keys;
  for (const ApiKeyRecord& key : snapshot.api_keys) {
    if (key.enabled && !parse_rate_limit(key.rate_limit)) {
      keys.push_back(key.key_id);
    }
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

void check_rate_limit_guard(const ConfigSnapshot& snapshot, HealthRegistry& health,
                            Counter* violations) {
  const std::vector<std::string> keys = keys_without_rate_limit(snapshot);
  if (keys.empty()) {
    health.clear(kRateLimitGuardComponent);
    return;
  }

  std::string reason = "enabled API keys without a rate limit:";
  for (const std::string& key : keys) {
    reason += " " + key;
  }
  health.degrade(kRateLimitGuardComponent, reason);
  if (violations != nullptr) {
    violations->increment(keys.size());
  }
}

Counter& guardrail_violations_counter(MetricsRegistry& metrics) {
  return metrics.counter("config_guardrail_violations_total",
                         "Guard-rail violations found in applied settings revisions, one per "
                         "violating API key and revision");
}

void report_fsops_health(HealthRegistry& health, const std::string& torrent_id,
                         const FsopsStatus& status) {
  if (status.state == "failed") {
    health.degrade(kFsopsComponent, "post-processing of torrent " + torrent_id + " failed" +
                                        (status.step ? " at " + *status.step : std::string()) +
                                        ": " + status.error.value_or("unknown error"));
  } else if (status.state == "completed") {
    health.clear(kFsopsComponent);
  }
}

}  // namespace revaer
