#pragma once

#include <optional>
#include <string>

#include "config/config_service.hpp"
#include "config/config_watcher.hpp"
#include "engine/engine.hpp"
#include "telemetry/health.hpp"
#include "telemetry/metrics.hpp"

namespace revaer {

// Registers every series /metrics must list from the start, at zero: the
// HTTP families, the torrent gauges (set from `engine` at each scrape),
// fsops_steps_total per stage and outcome, api_rate_limit_throttled_total
// and config_guardrail_violations_total.
void register_daemon_metrics(MetricsRegistry& metrics, const Engine& engine);

// Reads app_profile.telemetry.format, "text" when it is missing.
std::string log_format_of(const ConfigSnapshot& snapshot);

// Applies the telemetry level (unless `fixed_level`, from --log-level) and
// the log format of each applied revision.
ConfigConsumer log_settings_consumer(bool fixed_level);

// Re-evaluates the api_rate_limit_guard component for each applied
// revision and counts its violations.
ConfigConsumer rate_limit_guard_consumer(HealthRegistry& health, MetricsRegistry& metrics);

}  // namespace revaer
