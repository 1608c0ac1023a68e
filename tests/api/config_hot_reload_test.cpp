// Hot reload end to end: PATCH /v1/config on a server with a real
// libtorrent engine, and the new values read back from the live session
// within 2 seconds. (This binary links both the config and the engine
// components, which the daemon joins in the same way.)

#include <utility>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <libtorrent/settings_pack.hpp>

#include "api/http_server.hpp"
#include "config/config_watcher.hpp"
#include "engine/engine_profile.hpp"
#include "engine/libtorrent/libtorrent_engine.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tests/api/test_connection.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using namespace std::chrono_literals;
using http::verb;
using Json = nlohmann::json;
using lt::settings_pack;

// Engine settings must be live within this time of a commit.
constexpr auto kApplyDeadline = 2s;

class ConfigHotReload : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = SqliteStore::open((dir_ / "revaer.db").string());
    config_ = std::make_unique<ConfigService>(
        *store_, ConfigDefaults{(dir_ / "downloads").string(),
                                (dir_ / "resume").string(),
                                (dir_ / "library").string()});
    config_->load();
    engine_ = std::make_unique<LibtorrentEngine>(*store_, EngineCallbacks{});
    watcher_ = std::make_unique<ConfigWatcher>(*config_, nullptr, &metrics_,
                                               nullptr);
    watcher_->add_consumer("engine", [this](const ConfigSnapshot& snapshot) {
      engine_->apply(engine_options_from_profile(snapshot.engine_profile));
    });

    auto start_engine = [this] {
      engine_->start(engine_options_from_profile(
          config_->snapshot()->engine_profile));
    };
    server_ = std::make_unique<HttpServer>(
        io_, ApiContext{*config_, *engine_, *store_, start_engine});
    port_ = server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0})
                .port();
    thread_ = std::thread([this] { io_.run(); });
    complete_setup();
    watcher_->start();
  }

  void TearDown() override {
    watcher_->stop();
    server_->stop();
    work_.reset();
    thread_.join();
    engine_->stop();
  }

  void complete_setup() {
    Reply start = send_request(port_, verb::post, "/admin/setup/start", "{}");
    ASSERT_EQ(start.status, 200) << start.body;
    const Json loopback = {{"engine_profile",
                            {{"listen_interfaces", {"127.0.0.1"}},
                             {"listen_port", 0},
                             {"enable_outgoing_utp", false},
                             {"enable_incoming_utp", false}}}};
    Reply done = send_request(
        port_, verb::post, "/admin/setup/complete", loopback.dump(),
        {{"x-revaer-setup-token", start.json().at("token").get<std::string>()}});
    ASSERT_EQ(done.status, 200) << done.body;
    key_ = done.json().at("api_key");
    ASSERT_TRUE(engine_->running());
  }

  Reply patch(const Json& body) {
    return send_request(port_, verb::patch, "/v1/config", body.dump(),
                        {{"x-revaer-api-key", key_}});
  }

  // Commits `max_download_bps` and returns how long the live session took
  // to report it, counted from just before the request was sent.
  std::chrono::milliseconds commit_and_time(int max_download_bps) {
    const auto started = std::chrono::steady_clock::now();
    Reply reply = patch({{"engine_profile",
                          {{"max_download_bps", max_download_bps},
                           {"connections_limit", 100 + max_download_bps % 50}}}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    const bool live = wait_until(
        [&] {
          return engine_->session_settings().get_int(
                     settings_pack::download_rate_limit) == max_download_bps;
        },
        kApplyDeadline, 5ms);
    EXPECT_TRUE(live) << "max_download_bps " << max_download_bps
                      << " did not reach the session within 2 s";
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
  }

  TempDir dir_{"revaer-hot-reload"};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<ConfigService> config_;
  MetricsRegistry metrics_;
  std::unique_ptr<LibtorrentEngine> engine_;
  std::unique_ptr<ConfigWatcher> watcher_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<
      boost::asio::io_context::executor_type>>
      work_{io_.get_executor()};
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::string key_;
};

TEST_F(ConfigHotReload, EngineSettingsGoLiveWithinTwoSeconds) {
  Reply reply = patch({{"engine_profile",
                        {{"max_download_bps", 123456},
                         {"max_upload_bps", 65432},
                         {"connections_limit", 321},
                         {"encryption", "disable"}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;

  ASSERT_TRUE(wait_until(
      [&] {
        return engine_->session_settings().get_int(
                   settings_pack::download_rate_limit) == 123456;
      },
      kApplyDeadline, 5ms));
  const settings_pack live = engine_->session_settings();
  EXPECT_EQ(live.get_int(settings_pack::upload_rate_limit), 65432);
  EXPECT_EQ(live.get_int(settings_pack::connections_limit), 321);
  EXPECT_EQ(live.get_int(settings_pack::out_enc_policy),
            settings_pack::pe_disabled);

  const auto values = metrics_.snapshot();
  ASSERT_TRUE(values.count("config_apply_latency_ms"));
  EXPECT_GE(values.at("config_apply_latency_ms"), 0.0);
}

// Repeats the commit-to-session path and prints the times, which record the
// latency on the machine that ran it. The only assertion is the 2-second
// deadline.
TEST_F(ConfigHotReload, RepeatedCommitsEachGoLive) {
  constexpr int kCommits = 20;
  std::vector<std::chrono::milliseconds> times;
  for (int i = 1; i <= kCommits; ++i) {
    times.push_back(commit_and_time(1000 * i));
  }
  std::sort(times.begin(), times.end());
  std::printf("commit to live session over HTTP, %d commits: median %lld ms, "
              "max %lld ms; config_apply_latency_ms last %.0f\n",
              kCommits, static_cast<long long>(times[kCommits / 2].count()),
              static_cast<long long>(times.back().count()),
              metrics_.snapshot().at("config_apply_latency_ms"));
}

}  // namespace
}  // namespace revaer::test
