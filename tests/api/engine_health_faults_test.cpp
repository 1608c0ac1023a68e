#include <gtest/gtest.h>

#include "api/health_checks.hpp"
#include "tests/api/fake_engine.hpp"
#include "tests/support/recording_publisher.hpp"

namespace revaer::test {
namespace {

ConfigSnapshot active_config() {
  ConfigSnapshot snapshot;
  snapshot.app_profile = {{"mode", "active"}};
  return snapshot;
}

std::string engine_reason(const HealthRegistry& health) {
  for (const DegradedComponent& component : health.degraded()) {
    if (component.component == "engine") return component.reason;
  }
  return "<not degraded>";
}

TEST(EngineFaultHealth, FaultsDegradeUntilCleared) {
  RecordingPublisher events;
  HealthRegistry health(&events);
  EngineHealthCheck check;

  check.report_faults({{"listen TCP 127.0.0.1:6881", "could not listen on 127.0.0.1:6881"}},
                      health);
  EXPECT_EQ(engine_reason(health), "could not listen on 127.0.0.1:6881");

  check.report_faults({{"listen TCP 127.0.0.1:6881", "could not listen on 127.0.0.1:6881"},
                       {"storage t1", "torrent t1: file_write failed"}},
                      health);
  EXPECT_EQ(engine_reason(health),
            "could not listen on 127.0.0.1:6881; torrent t1: file_write failed");

  check.report_faults({}, health);
  EXPECT_FALSE(health.is_degraded("engine"));

  const auto published = events.events();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].kind, "health_changed");
  EXPECT_EQ(published[0].data.at("component"), "engine");
  EXPECT_EQ(published[0].data.at("status"), "degraded");
  EXPECT_EQ(published[1].data.at("status"), "ok");
}

TEST(EngineFaultHealth, PeriodicCheckKeepsFaults) {
  FakeEngine engine;
  engine.set_running(true);
  HealthRegistry health;
  EngineHealthCheck check;

  check.report_faults({{"alert_loop", "torrent engine alert loop failed: boom"}}, health);
  check.run(engine, active_config(), health);
  EXPECT_EQ(engine_reason(health), "torrent engine alert loop failed: boom");

  engine.set_running(false);
  check.run(engine, active_config(), health);
  check.run(engine, active_config(), health);
  EXPECT_EQ(engine_reason(health),
            "the torrent engine is not running in active mode; "
            "torrent engine alert loop failed: boom");

  check.report_faults({}, health);
  EXPECT_EQ(engine_reason(health), "the torrent engine is not running in active mode");
  engine.set_running(true);
  check.run(engine, active_config(), health);
  EXPECT_FALSE(health.is_degraded("engine"));
}

}  // namespace
}  // namespace revaer::test
