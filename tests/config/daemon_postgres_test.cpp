// revaerd processes on PostgreSQL (DATABASE_URL): start-up errors, two
// daemons sharing one database, and a database restart under a running
// daemon. Needs the revaerd and revaer binaries of the same build.

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/store/postgres_server.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

constexpr auto kReplicationTimeout = 30s;

// Sets DATABASE_URL for the daemons this test starts (they inherit the
// test's environment) and removes it afterwards.
class DatabaseUrl {
 public:
  explicit DatabaseUrl(const std::string& url) {
    ::setenv("DATABASE_URL", url.c_str(), 1);
  }
  ~DatabaseUrl() { ::unsetenv("DATABASE_URL"); }
  DatabaseUrl(const DatabaseUrl&) = delete;
  DatabaseUrl& operator=(const DatabaseUrl&) = delete;
};

Json response_json(const client::HttpResponse& response) {
  return Json::parse(response.body, nullptr, false);
}

// Sends GET `target` to `daemon` with `api_key`; returns the status, or 0
// when the request failed.
int get_status(const test::RevaerDaemon& daemon, const std::string& target,
               const std::string& api_key) {
  client::HttpRequest request;
  request.target = target;
  request.headers.emplace_back("x-revaer-api-key", api_key);
  try {
    return client::HttpClient(daemon.api_url(), 30s).send(request).status;
  } catch (const std::exception&) {
    return 0;
  }
}

// Runs revaerd with `url` as DATABASE_URL and expects it to fail at start.
test::CommandResult run_failing_daemon(const std::string& url) {
  test::TempDir data("revaer-pg-daemon");
  return test::run_command({REVAER_BINARY_DIR "/revaerd", "--data-dir",
                            data.path().string(), "--listen", "127.0.0.1:0"},
                           {{"DATABASE_URL", url}}, {}, 60s);
}

TEST(DaemonPostgres, UnreachableDatabaseFailsWithMaskedUrl) {
  const std::string url = "postgres://revaer:hunter2@127.0.0.1:" +
                          std::to_string(test::free_port()) + "/revaer";
  const test::CommandResult result = run_failing_daemon(url);
  EXPECT_NE(result.exit_code(), 0);

  const std::string& output = result.stderr_text;
  const auto line_start = output.find("revaerd: could not start:");
  ASSERT_NE(line_start, std::string::npos) << output;
  const std::string line =
      output.substr(line_start, output.find('\n', line_start) - line_start);
  EXPECT_NE(line.find("postgres://revaer:***@127.0.0.1:"), std::string::npos)
      << line;
  EXPECT_EQ(output.find("hunter2"), std::string::npos) << output;
  EXPECT_EQ(result.stdout_text.find("hunter2"), std::string::npos);
}

TEST(DaemonPostgres, UnsupportedSchemeFails) {
  const test::CommandResult result =
      run_failing_daemon("mysql://revaer:hunter2@127.0.0.1/revaer");
  EXPECT_NE(result.exit_code(), 0);
  EXPECT_NE(result.stderr_text.find("postgres://"), std::string::npos)
      << result.stderr_text;
  EXPECT_EQ(result.stderr_text.find("hunter2"), std::string::npos);
}

// Two revaerd processes on one database: setup and later commits through
// the first reach the second, whose keys, snapshot and engine follow.
TEST(DaemonPostgres, SecondDaemonAppliesCommits) {
  test::TempDir dir("revaer-two-daemons");
  const std::string url = test::shared_postgres().create_database();
  DatabaseUrl database(url);
  test::RevaerDaemon first(dir / "first", dir / "logs-first");
  test::RevaerDaemon second(dir / "second", dir / "logs-second");

  first.complete_setup(test::loopback_changeset());
  ASSERT_TRUE(test::wait_until(
      [&] { return get_status(second, "/v1/config", first.api_key()) == 200; },
      kReplicationTimeout))
      << "the admin key made on the first daemon never worked on the second: "
      << second.log_tail();

  // One commit: an engine setting and a new key.
  const auto committed = first.send(
      "PATCH", "/v1/config",
      Json{{"engine_profile", {{"max_active", 3}}},
           {"api_keys", {{{"op", "upsert"}, {"key_id", "sonarr"},
                          {"scope", "read_only"}}}}}
          .dump());
  ASSERT_EQ(committed.status, 200) << committed.body;
  const Json body = response_json(committed);
  const std::int64_t revision = body.at("revision");
  const std::string sonarr = body.at("issued_api_keys").at(0);

  Json seen;
  ASSERT_TRUE(test::wait_until(
      [&] {
        client::HttpRequest request;
        request.target = "/v1/config";
        request.headers.emplace_back("x-revaer-api-key", first.api_key());
        seen = response_json(
            client::HttpClient(second.api_url(), 30s).send(request));
        return seen.is_object() && seen.value("revision", 0) == revision;
      },
      kReplicationTimeout))
      << "last seen: " << seen.dump() << "\n" << second.log_tail();
  EXPECT_EQ(seen.at("engine_profile").at("max_active"), 3);

  // The key made through the first daemon authenticates on the second.
  EXPECT_EQ(get_status(second, "/v1/config", sonarr), 200);
  // The second daemon applied the revision, and its engine runs.
  EXPECT_TRUE(test::wait_until(
      [&] {
        return second.log_tail().find("config: applied revision " +
                                      std::to_string(revision)) !=
               std::string::npos;
      },
      kReplicationTimeout))
      << second.log_tail();
  const Json well_known =
      response_json(second.send("GET", "/.well-known/revaer.json"));
  EXPECT_EQ(well_known.at("mode"), "active");
  EXPECT_TRUE(test::wait_until(
      [&] { return get_status(second, "/v1/torrents", sonarr) == 200; },
      kReplicationTimeout))
      << "the second daemon's engine did not start: " << second.log_tail();
}

// PostgreSQL stops and starts under a running daemon. Health degrades,
// writes fail with 503, reads return the last snapshot, and everything
// recovers without a restart.
TEST(DaemonPostgres, DatabaseRestartRecovers) {
  test::TempDir dir("revaer-pg-restart");
  test::PostgresServer server;
  DatabaseUrl database(server.create_database());
  test::RevaerDaemon daemon(dir / "data", dir / "logs");
  daemon.complete_setup(test::loopback_changeset());
  const std::string change =
      Json{{"engine_profile", {{"max_active", 4}}}}.dump();

  server.stop();
  const auto health = daemon.send("GET", "/health");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(response_json(health).at("degraded"), Json({"database"}));
  const auto write = daemon.send("PATCH", "/v1/config", change);
  EXPECT_EQ(write.status, 503) << write.body;
  const auto read = daemon.send("GET", "/v1/config");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(response_json(read).at("engine_profile").at("max_active"), 8);

  server.start();
  EXPECT_TRUE(test::wait_until(
      [&] { return daemon.send("GET", "/health").status == 200; }, 30s));
  const auto retried = daemon.send("PATCH", "/v1/config", change);
  ASSERT_EQ(retried.status, 200) << retried.body << daemon.log_tail();
  EXPECT_TRUE(daemon.running());
}

}  // namespace
}  // namespace revaer
