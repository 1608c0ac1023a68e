#include "telemetry/health.hpp"

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/recording_publisher.hpp"

namespace revaer {
namespace {

using test::RecordingPublisher;

struct HealthFixture : ::testing::Test {
  RecordingPublisher events;
  std::atomic<std::int64_t> now_ms{1000};
  HealthRegistry health{&events, [this] { return now_ms.load(); }};
};

TEST_F(HealthFixture, DegradePublishesOnce) {
  health.degrade("database", "the database is not reachable");
  now_ms = 2000;
  health.degrade("database", "still not reachable");

  const auto published = events.events();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].kind, "health_changed");
  EXPECT_EQ(published[0].data.at("component"), "database");
  EXPECT_EQ(published[0].data.at("status"), "degraded");
  EXPECT_EQ(published[0].data.at("reason"), "the database is not reachable");

  const auto degraded = health.degraded();
  ASSERT_EQ(degraded.size(), 1u);
  EXPECT_EQ(degraded[0].reason, "still not reachable");
  EXPECT_EQ(degraded[0].since_ms, 1000);
}

TEST_F(HealthFixture, ClearPublishesOkOnce) {
  health.clear("engine");
  EXPECT_TRUE(events.events().empty());

  health.degrade("engine", "not running");
  health.clear("engine");
  health.clear("engine");

  const auto published = events.events();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].data.at("component"), "engine");
  EXPECT_EQ(published[1].data.at("status"), "ok");
  EXPECT_TRUE(published[1].data.at("reason").is_null());
  EXPECT_FALSE(health.is_degraded("engine"));
  EXPECT_TRUE(health.degraded().empty());
}

TEST_F(HealthFixture, ListsComponentsSorted) {
  health.set("fsops", "job failed");
  health.set("api_rate_limit_guard", "key admin has no limit");
  health.set("engine", std::nullopt);

  const auto degraded = health.degraded();
  ASSERT_EQ(degraded.size(), 2u);
  EXPECT_EQ(degraded[0].component, "api_rate_limit_guard");
  EXPECT_EQ(degraded[1].component, "fsops");
  EXPECT_TRUE(health.is_degraded("fsops"));
  EXPECT_FALSE(health.is_degraded("engine"));
}

TEST(Health, WorksWithoutPublisher) {
  HealthRegistry health;
  health.degrade("database", "down");
  EXPECT_TRUE(health.is_degraded("database"));
  health.clear("database");
  EXPECT_FALSE(health.is_degraded("database"));
}

// Threads flip two components; each component's events must alternate
// degraded/ok starting with degraded, which holds only when every
// transition publishes exactly once and in order.
TEST(Health, ConcurrentTransitionsAlternate) {
  RecordingPublisher events;
  HealthRegistry health(&events);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&health, t] {
      const std::string component = t % 2 == 0 ? "fsops" : "engine";
      for (int i = 0; i < 2000; ++i) {
        if ((i + t) % 2 == 0) {
          health.degrade(component, "failure " + std::to_string(i));
        } else {
          health.clear(component);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  std::map<std::string, std::string> last;
  for (const EventInput& event : events.events()) {
    const std::string component = event.data.at("component");
    const std::string status = event.data.at("status");
    const std::string previous = last.count(component) ? last[component] : "ok";
    EXPECT_NE(status, previous) << component;
    last[component] = status;
  }
  for (const std::string component : {"fsops", "engine"}) {
    const bool degraded = last.count(component) && last[component] == "degraded";
    EXPECT_EQ(health.is_degraded(component), degraded) << component;
  }
}

}  // namespace
}  // namespace revaer
