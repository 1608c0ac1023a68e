// Hot reload: the watcher brings commits made through this daemon's
// ConfigService, through another daemon's on the same PostgreSQL (NOTIFY),
// and through polling when notifications are missing, to its consumers.

#include "config/config_watcher.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/request_scope.hpp"
#include "store/postgres/postgres_listener.hpp"
#include "store/postgres/postgres_store.hpp"
#include "tests/config/config_fixture.hpp"
#include "tests/store/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

constexpr auto kWaitTimeout = 20s;
const ConfigDefaults kDefaults{"/data/downloads", "/data/resume",
                               "/data/library"};

// Keeps the revisions and engine profiles a consumer received.
class RecordingConsumer {
 public:
  ConfigConsumer consumer() {
    return [this](const ConfigSnapshot& snapshot) {
      std::lock_guard lock(mutex_);
      revisions_.push_back(snapshot.revision);
      last_engine_profile_ = snapshot.engine_profile;
    };
  }

  bool saw_revision(std::int64_t revision) const {
    std::lock_guard lock(mutex_);
    return !revisions_.empty() && revisions_.back() >= revision;
  }

  Json last_engine_profile() const {
    std::lock_guard lock(mutex_);
    return last_engine_profile_;
  }

  std::size_t calls() const {
    std::lock_guard lock(mutex_);
    return revisions_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::int64_t> revisions_;
  Json last_engine_profile_;
};

// Options under which only a commit hook or a notification can make the
// watcher react within the tests' timeouts.
ConfigWatcherOptions slow_polling() {
  ConfigWatcherOptions options;
  options.poll_interval = 120s;
  options.listen_poll_interval = 120s;
  return options;
}

std::int64_t commit_max_active(ConfigService& config, int value) {
  auto result = config.apply_changeset(
      {{"engine_profile", {{"max_active", value}}}}, "tester");
  if (!result.ok()) {
    throw std::runtime_error("commit failed: " + result.problem().detail);
  }
  return config.snapshot()->revision;
}

class ConfigWatcherTest : public test::ConfigTest {};

TEST_F(ConfigWatcherTest, LocalCommitReachesConsumers) {
  MetricsRegistry metrics;
  test::RecordingPublisher events;
  RecordingConsumer engine;
  ConfigWatcher watcher(config_, nullptr, &metrics, &events, slow_polling());
  watcher.add_consumer("engine", engine.consumer());
  watcher.start();
  EXPECT_EQ(watcher.applied_revision(), revision());

  const std::int64_t committed = commit_max_active(config_, 3);
  ASSERT_TRUE(test::wait_until([&] { return engine.saw_revision(committed); },
                               kWaitTimeout));
  EXPECT_EQ(engine.last_engine_profile()["max_active"], 3);
  EXPECT_EQ(engine.calls(), 1u);
  ASSERT_TRUE(test::wait_until(
      [&] { return watcher.applied_revision() == committed; }, kWaitTimeout));
  // The watcher publishes settings_changed just after it records the
  // applied revision.
  ASSERT_TRUE(test::wait_until([&] { return !events.events().empty(); }, kWaitTimeout));

  const auto published = events.events();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].kind, "settings_changed");
  EXPECT_EQ(published[0].data["revision"], committed);
  EXPECT_EQ(published[0].data["previous_revision"], committed - 1);
  EXPECT_EQ(published[0].data["sections"], Json({"engine_profile"}));
  EXPECT_EQ(published[0].data["actors"], Json({"tester"}));

  const auto values = metrics.snapshot();
  ASSERT_TRUE(values.count("config_watch_latency_ms"));
  ASSERT_TRUE(values.count("config_apply_latency_ms"));
  EXPECT_GE(values.at("config_apply_latency_ms"),
            values.at("config_watch_latency_ms"));
  EXPECT_EQ(values.at("config_revision"), static_cast<double>(committed));
  EXPECT_NE(metrics.render().find("config_apply_latency_ms"),
            std::string::npos);
}

TEST_F(ConfigWatcherTest, SettingsChangedCarriesRequestId) {
  test::RecordingPublisher events;
  ConfigWatcher watcher(config_, nullptr, nullptr, &events, slow_polling());
  watcher.start();

  std::int64_t committed = 0;
  {
    const RequestScope request("req-settings-1");
    committed = commit_max_active(config_, 4);
  }
  EXPECT_EQ(config_.request_id_of(committed), "req-settings-1");
  ASSERT_TRUE(test::wait_until(
      [&] { return watcher.applied_revision() == committed; }, kWaitTimeout));
  ASSERT_TRUE(
      test::wait_until([&] { return events.events().size() == 1; }, kWaitTimeout));
  ASSERT_TRUE(events.events()[0].request_id.has_value());
  EXPECT_EQ(*events.events()[0].request_id, "req-settings-1");

  const std::int64_t unscoped = commit_max_active(config_, 5);
  EXPECT_EQ(config_.request_id_of(unscoped), "");
  ASSERT_TRUE(
      test::wait_until([&] { return events.events().size() == 2; }, kWaitTimeout));
  EXPECT_FALSE(events.events()[1].request_id.has_value());
}

TEST_F(ConfigWatcherTest, RejectedChangesetIsNotApplied) {
  RecordingConsumer engine;
  test::RecordingPublisher events;
  ConfigWatcher watcher(config_, nullptr, nullptr, &events, slow_polling());
  watcher.add_consumer("engine", engine.consumer());
  watcher.start();
  EXPECT_FALSE(config_
                   .apply_changeset({{"engine_profile", {{"max_active", -5}}}},
                                    "tester")
                   .ok());
  const std::int64_t committed = commit_max_active(config_, 4);
  ASSERT_TRUE(test::wait_until([&] { return engine.saw_revision(committed); },
                               kWaitTimeout));
  EXPECT_EQ(engine.calls(), 1u);
  EXPECT_EQ(events.events().size(), 1u);
}

TEST_F(ConfigWatcherTest, FailingConsumerDoesNotStopOthers) {
  RecordingConsumer after;
  ConfigWatcher watcher(config_, nullptr, nullptr, nullptr, slow_polling());
  watcher.add_consumer("broken part", [](const ConfigSnapshot&) {
    throw std::runtime_error("cannot apply");
  });
  watcher.add_consumer("engine", after.consumer());
  watcher.start();
  const std::int64_t committed = commit_max_active(config_, 5);
  EXPECT_TRUE(test::wait_until([&] { return after.saw_revision(committed); },
                               kWaitTimeout));
}

// Without notifications, polling finds commits made by another service on
// the same database.
TEST_F(ConfigWatcherTest, PollingFindsCommitsMadeElsewhere) {
  auto other_store = SqliteStore::open((dir_.path() / "revaer.db").string());
  ConfigService other(*other_store, kDefaults);
  other.load();

  RecordingConsumer engine;
  ConfigWatcherOptions options;
  options.poll_interval = 100ms;
  ConfigWatcher watcher(config_, nullptr, nullptr, nullptr, options);
  watcher.add_consumer("engine", engine.consumer());
  watcher.start();

  const std::int64_t committed = commit_max_active(other, 6);
  ASSERT_TRUE(test::wait_until([&] { return engine.saw_revision(committed); },
                               kWaitTimeout));
  EXPECT_EQ(engine.last_engine_profile()["max_active"], 6);
  EXPECT_EQ(config_.snapshot()->revision, committed);
}

TEST_F(ConfigWatcherTest, StopIsIdempotent) {
  ConfigWatcher watcher(config_, nullptr, nullptr, nullptr, slow_polling());
  watcher.start();
  watcher.stop();
  watcher.stop();
  // The hook is gone: committing after stop() must not touch the watcher.
  commit_max_active(config_, 2);
}

// Two daemons on one PostgreSQL: a commit through one reaches the other's
// consumers through LISTEN/NOTIFY. Polling is slowed to two minutes, so
// only the notification can make this pass within the timeout.
TEST(ConfigWatcherPostgres, NotificationReachesOtherDaemon) {
  const std::string url = test::shared_postgres().create_database();
  auto first_store = PostgresStore::open(url);
  auto second_store = PostgresStore::open(url);
  ConfigService first(*first_store, kDefaults);
  ConfigService second(*second_store, kDefaults);
  first.load();
  second.load();

  RecordingConsumer engine;
  test::RecordingPublisher events;
  ConfigWatcher watcher(second, std::make_unique<PostgresChangeListener>(url),
                        nullptr, &events, slow_polling());
  watcher.add_consumer("engine", engine.consumer());
  watcher.start();
  // A commit made before the listener runs LISTEN is found only by the
  // slowed poll, so commit until two have arrived: the first may come from
  // the watcher's initial reload, the second only from a notification.
  ASSERT_TRUE(test::wait_until(
      [&] {
        commit_max_active(first, 2);
        return engine.calls() >= 2;
      },
      kWaitTimeout, 500ms));

  const std::int64_t committed = commit_max_active(first, 7);
  ASSERT_TRUE(test::wait_until([&] { return engine.saw_revision(committed); },
                               kWaitTimeout));
  EXPECT_EQ(engine.last_engine_profile()["max_active"], 7);
  EXPECT_EQ(second.snapshot()->revision, committed);
  ASSERT_FALSE(events.events().empty());
  EXPECT_EQ(events.events().back().data["actors"], Json({"tester"}));
}

// Commits from two daemons interleave on one revision counter, and an
// If-Match read from one daemon goes stale when the other commits.
TEST(ConfigWatcherPostgres, DaemonsShareOneRevision) {
  const std::string url = test::shared_postgres().create_database();
  auto first_store = PostgresStore::open(url);
  auto second_store = PostgresStore::open(url);
  ConfigService first(*first_store, kDefaults);
  ConfigService second(*second_store, kDefaults);
  first.load();
  second.load();
  EXPECT_EQ(first.snapshot()->revision, 1);  // defaults written once
  EXPECT_EQ(second.snapshot()->revision, 1);

  const std::int64_t read_revision = second.snapshot()->revision;
  EXPECT_EQ(commit_max_active(first, 3), 2);
  auto stale = second.apply_changeset(
      {{"engine_profile", {{"max_active", 4}}}}, "tester", read_revision);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.problem().status, 412);
  EXPECT_EQ(second.snapshot()->revision, 2);  // it learnt the new revision
  EXPECT_EQ(commit_max_active(second, 4), 3);
  EXPECT_EQ(first.history(0, 10).size(), 3u);
}

// The database goes away under a running watcher: the snapshot stays, and
// once the server is back, commits flow again without a restart.
TEST(ConfigWatcherPostgres, StoreOutageRecovers) {
  test::PostgresServer server;
  const std::string url = server.create_database();
  auto first_store = PostgresStore::open(url);
  auto second_store = PostgresStore::open(url);
  ConfigService first(*first_store, kDefaults);
  ConfigService second(*second_store, kDefaults);
  first.load();
  second.load();

  RecordingConsumer engine;
  ConfigWatcherOptions options;
  options.poll_interval = 200ms;
  ConfigWatcher watcher(second, std::make_unique<PostgresChangeListener>(url),
                        nullptr, nullptr, options);
  watcher.add_consumer("engine", engine.consumer());
  watcher.start();

  server.stop();
  EXPECT_THROW(commit_max_active(first, 3), StoreError);
  EXPECT_EQ(second.snapshot()->engine_profile["max_active"], 8);
  std::this_thread::sleep_for(500ms);  // let the watcher hit the outage
  EXPECT_EQ(second.snapshot()->engine_profile["max_active"], 8);

  server.start();
  const std::int64_t committed = commit_max_active(first, 9);
  ASSERT_TRUE(test::wait_until([&] { return engine.saw_revision(committed); },
                               kWaitTimeout));
  EXPECT_EQ(engine.last_engine_profile()["max_active"], 9);
}

}  // namespace
}  // namespace revaer
