#include "app/observability.hpp"

#include <spdlog/spdlog.h>

#include "api/health_checks.hpp"
#include "api/http_metrics.hpp"
#include "api/torrent_metrics.hpp"
#include "fsops/fsops_meta.hpp"
#include "telemetry/logging.hpp"

namespace revaer {

void register_daemon_metrics(MetricsRegistry& metrics, const Engine& engine) {
  declare_http_metrics(metrics);
  register_torrent_metrics(metrics, engine);
  for (const std::string_view stage : kFsopsStages) {
    for (const char* status : {"completed", "failed"}) {
      metrics.counter("fsops_steps_total", "Post-processing stages run, by stage and outcome",
                      {{"step", std::string(stage)}, {"status", status}});
    }
  }
  metrics.counter("api_rate_limit_throttled_total",
                  "Requests rejected with 429 because their API key's token "
                  "bucket was empty.");
  guardrail_violations_counter(metrics);
}

std::string log_format_of(const ConfigSnapshot& snapshot) {
  const nlohmann::json telemetry =
      snapshot.app_profile.value("telemetry", nlohmann::json::object());
  return telemetry.value("format", "text");
}

ConfigConsumer log_settings_consumer(bool fixed_level) {
  return [fixed_level](const ConfigSnapshot& snapshot) {
    set_log_format(log_format_of(snapshot));
    if (fixed_level) {
      return;
    }
    const nlohmann::json telemetry =
        snapshot.app_profile.value("telemetry", nlohmann::json::object());
    const std::string level = telemetry.value("level", "info");
    spdlog::default_logger()->set_level(spdlog::level::from_str(level));
  };
}

ConfigConsumer rate_limit_guard_consumer(HealthRegistry& health, MetricsRegistry& metrics) {
  Counter& violations = guardrail_violations_counter(metrics);
  return [&health, &violations](const ConfigSnapshot& snapshot) {
    check_rate_limit_guard(snapshot, health, &violations);
  };
}

}  // namespace revaer
