// Runs a real revaerd, drives requests over HTTP, scrapes GET /metrics and
// checks it with promtool, and follows the api_rate_limit_guard component
// of GET /health/full through a settings change.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

constexpr auto kSettleTimeout = std::chrono::seconds(30);

// Returns the path of `program` in a PATH directory, or an empty path.
std::filesystem::path find_in_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

// promtool reports lint findings one per line; these two names are part of
// the API contract, so their "abbreviated units" finding is expected.
bool is_expected_lint(const std::string& line) {
  return line.rfind("config_watch_latency_ms ", 0) == 0 ||
         line.rfind("config_apply_latency_ms ", 0) == 0;
}

json health_full(const RevaerDaemon& daemon) {
  const client::HttpResponse response = daemon.send("GET", "/health/full");
  EXPECT_EQ(response.status, 200) << response.body;
  return json::parse(response.body);
}

bool lists_degraded(const json& health, const std::string& component) {
  for (const json& entry : health.at("degraded")) {
    if (entry.at("component") == component) {
      return true;
    }
  }
  return false;
}

class MetricsHealthTest : public ::testing::Test {
 protected:
  TempDir dir_{"revaer-metrics-e2e"};
  RevaerDaemon daemon_{dir_ / "data", dir_ / "logs"};
};

TEST_F(MetricsHealthTest, ScrapeListsEverySeries) {
  daemon_.complete_setup(loopback_changeset());
  EXPECT_EQ(daemon_.send("GET", "/health").status, 200);
  EXPECT_EQ(daemon_.send("GET", "/v1/torrents").status, 200);
  EXPECT_EQ(daemon_.send("GET", "/v1/no-such-route").status, 404);

  const client::HttpResponse scrape = daemon_.send("GET", "/metrics");
  ASSERT_EQ(scrape.status, 200) << scrape.body;
  EXPECT_EQ(scrape.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = scrape.body;
  for (const char* series :
       {"http_requests_total{route=\"/v1/torrents\",code=\"200\"} 1",
        "http_requests_total{route=\"unmatched\",code=\"404\"} 1",
        "http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} ",
        "events_emitted_total{type=\"settings_changed\"} ",
        "fsops_steps_total{step=\"transfer\",status=\"failed\"} 0",
        "api_rate_limit_throttled_total 0", "config_guardrail_violations_total ",
        "active_torrents 0", "queue_depth 0", "config_watch_latency_ms ",
        "config_apply_latency_ms ", "download_rate_bytes_per_second 0",
        "upload_rate_bytes_per_second 0", "torrents{state=\"seeding\"} 0"}) {
    EXPECT_NE(text.find(std::string("\n") + series), std::string::npos) << series << "\n" << text;
  }

  const std::filesystem::path promtool = find_in_path("promtool");
  if (promtool.empty()) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus); "
                    "the exposition was not checked with it";
  }
  const CommandResult check = run_command({promtool.string(), "check", "metrics"}, {}, text);
  // 0: clean, 3: lint findings only; anything else is a parse error.
  ASSERT_TRUE(check.exit_code() == 0 || check.exit_code() == 3)
      << check.stdout_text << check.stderr_text;
  std::istringstream findings(check.stdout_text + check.stderr_text);
  for (std::string line; std::getline(findings, line);) {
    EXPECT_TRUE(line.empty() || is_expected_lint(line)) << line;
  }
}

TEST_F(MetricsHealthTest, RateLimitGuardFollowsSettings) {
  daemon_.complete_setup(loopback_changeset());
  const std::string key_id = daemon_.api_key().substr(0, daemon_.api_key().find(':'));

  // The setup key has no rate limit: a guard-rail violation, counted once
  // for the setup commit.
  json health;
  ASSERT_TRUE(wait_until(
      [&] {
        health = health_full(daemon_);
        return lists_degraded(health, "api_rate_limit_guard");
      },
      kSettleTimeout, std::chrono::milliseconds(100)))
      << health.dump(2);
  EXPECT_EQ(health.at("status"), "degraded");
  EXPECT_EQ(health.at("mode"), "active");
  EXPECT_GE(health.at("metrics").at("config_guardrail_violations_total"), 1);
  EXPECT_FALSE(lists_degraded(health, "engine")) << health.dump(2);
  EXPECT_FALSE(lists_degraded(health, "database")) << health.dump(2);

  const json changeset = {{"api_keys",
                           {{{"op", "upsert"},
                             {"key_id", key_id},
                             {"rate_limit", {{"burst", 100}, {"per_seconds", 1}}}}}}};
  const client::HttpResponse patched = daemon_.send("PATCH", "/v1/config", changeset.dump());
  ASSERT_EQ(patched.status, 200) << patched.body;

  ASSERT_TRUE(wait_until(
      [&] {
        health = health_full(daemon_);
        return health.at("status") == "ok";
      },
      kSettleTimeout, std::chrono::milliseconds(100)))
      << health.dump(2);
  EXPECT_EQ(health.at("degraded"), json::array());
  EXPECT_EQ(health.at("revision"), json::parse(patched.body).at("revision"));
  EXPECT_EQ(health.at("torrents").at("total"), 0);
}

}  // namespace
}  // namespace revaer::test
