#include "api/health_checks.hpp"

#include <gtest/gtest.h>

#include "api/torrent_metrics.hpp"
#include "tests/api/fake_engine.hpp"
#include "tests/support/recording_publisher.hpp"

namespace revaer::test {
namespace {

ApiKeyRecord key(const std::string& id, bool enabled, nlohmann::json limit) {
  ApiKeyRecord record;
  record.key_id = id;
  record.enabled = enabled;
  record.rate_limit = std::move(limit);
  return record;
}

ConfigSnapshot active_snapshot() {
  ConfigSnapshot snapshot;
  snapshot.app_profile = {{"mode", "active"}};
  return snapshot;
}

TEST(RateLimitGuard, FlagsEnabledKeysWithoutLimit) {
  ConfigSnapshot snapshot = active_snapshot();
  snapshot.api_keys = {key("zeta", true, nullptr), key("alpha", true, nullptr),
                       key("off", false, nullptr),
                       key("limited", true, {{"burst", 10}, {"per_seconds", 1}})};
  EXPECT_EQ(keys_without_rate_limit(snapshot), (std::vector<std::string>{"alpha", "zeta"}));

  RecordingPublisher events;
  HealthRegistry health(&events);
  MetricsRegistry metrics;
  Counter& violations = guardrail_violations_counter(metrics);
  check_rate_limit_guard(snapshot, health, &violations);
  check_rate_limit_guard(snapshot, health, &violations);

  EXPECT_EQ(violations.value(), 4u);  // two keys, two revisions
  ASSERT_EQ(health.degraded().size(), 1u);
  EXPECT_EQ(health.degraded()[0].component, "api_rate_limit_guard");
  EXPECT_EQ(health.degraded()[0].reason, "enabled API keys without a rate limit: alpha zeta");
  EXPECT_EQ(events.events().size(), 1u);  // one transition
}

TEST(RateLimitGuard, ClearsOnceEveryKeyHasLimit) {
  ConfigSnapshot snapshot = active_snapshot();
  snapshot.api_keys = {key("admin", true, nullptr)};
  RecordingPublisher events;
  HealthRegistry health(&events);
  check_rate_limit_guard(snapshot, health, nullptr);
  EXPECT_TRUE(health.is_degraded("api_rate_limit_guard"));

  snapshot.api_keys = {key("admin", true, {{"burst", 5}, {"per_seconds", 10}})};
  MetricsRegistry metrics;
  Counter& violations = guardrail_violations_counter(metrics);
  check_rate_limit_guard(snapshot, health, &violations);
  EXPECT_FALSE(health.is_degraded("api_rate_limit_guard"));
  EXPECT_EQ(violations.value(), 0u);

  const auto published = events.events();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].data.at("status"), "ok");
}

TEST(EngineCheck, DegradedWhileActiveAndStopped) {
  FakeEngine engine;
  engine.set_running(false);
  HealthRegistry health;
  EngineHealthCheck check;
  ConfigSnapshot setup;
  setup.app_profile = {{"mode", "setup"}};

  check.run(engine, setup, health);
  check.run(engine, setup, health);
  EXPECT_FALSE(health.is_degraded("engine"));

  check.run(engine, active_snapshot(), health);
  EXPECT_FALSE(health.is_degraded("engine"));  // one check is a grace period
  check.run(engine, active_snapshot(), health);
  EXPECT_TRUE(health.is_degraded("engine"));

  engine.set_running(true);
  check.run(engine, active_snapshot(), health);
  EXPECT_FALSE(health.is_degraded("engine"));

  engine.set_running(false);
  check.run(engine, active_snapshot(), health);
  EXPECT_FALSE(health.is_degraded("engine"));  // the count starts again
}

TEST(TorrentMetrics, GaugesFollowEngineAtScrape) {
  FakeEngine engine;
  MetricsRegistry metrics;
  register_torrent_metrics(metrics, engine);
  const std::string empty = metrics.render();
  EXPECT_NE(empty.find("active_torrents 0\n"), std::string::npos) << empty;
  EXPECT_NE(empty.find("torrents{state=\"fetching_metadata\"} 0\n"), std::string::npos) << empty;

  TorrentStatus status;
  status.id = "t1";
  status.state = TorrentState::fetching_metadata;
  status.download_bps = 512;
  engine.insert(status);
  const std::string after_add = metrics.render();
  EXPECT_NE(after_add.find("active_torrents 1\n"), std::string::npos) << after_add;
  EXPECT_NE(after_add.find("torrents{state=\"fetching_metadata\"} 1\n"), std::string::npos)
      << after_add;
  EXPECT_NE(after_add.find("download_rate_bytes_per_second 512\n"), std::string::npos) << after_add;
}

}  // namespace
}  // namespace revaer::test

namespace revaer::test {
namespace {

TEST(FsopsHealth, FailureDegradesUntilSuccess) {
  RecordingPublisher events;
  HealthRegistry health(&events);
  report_fsops_health(health, "t1", FsopsStatus{"running", "transfer", {}});
  EXPECT_FALSE(health.is_degraded("fsops"));

  report_fsops_health(health, "t1", FsopsStatus{"failed", "extract", "archive is encrypted"});
  ASSERT_EQ(health.degraded().size(), 1u);
  EXPECT_EQ(health.degraded()[0].reason,
            "post-processing of torrent t1 failed at extract: archive is "
            "encrypted");

  report_fsops_health(health, "t2", FsopsStatus{"running", "transfer", {}});
  EXPECT_TRUE(health.is_degraded("fsops"));
  report_fsops_health(health, "t2", FsopsStatus{"completed", {}, {}});
  EXPECT_FALSE(health.is_degraded("fsops"));

  const auto published = events.events();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].data.at("status"), "degraded");
  EXPECT_EQ(published[1].data.at("status"), "ok");
}

}  // namespace
}  // namespace revaer::test
