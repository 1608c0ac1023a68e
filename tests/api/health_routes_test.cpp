#include <string>

#include <gtest/gtest.h>

#include "api/torrent_metrics.hpp"
#include "tests/api/health_fixture.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TorrentStatus torrent_in(const std::string& id, TorrentState state, std::int64_t download_bps) {
  TorrentStatus status;
  status.id = id;
  status.name = id;
  status.state = state;
  status.download_bps = download_bps;
  status.upload_bps = 10;
  status.added_at_ms = static_cast<std::int64_t>(id.size());
  return status;
}

TEST_F(HealthApiTest, MetricsNeedsKeyAfterSetup) {
  Reply in_setup = request(http::verb::get, "/metrics");
  EXPECT_EQ(in_setup.status, 200) << in_setup.body;
  EXPECT_TRUE(contains(in_setup.body, "# TYPE http_requests_total counter\n"));

  complete_setup();
  Reply anonymous = request(http::verb::get, "/metrics");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
}

TEST_F(HealthApiTest, MetricsIsPrometheusText) {
  complete_setup();
  EXPECT_EQ(request(http::verb::get, "/health").status, 200);

  Reply reply = authed(http::verb::get, "/metrics");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_FALSE(reply.header("x-request-id").empty());
  EXPECT_TRUE(contains(reply.body, "# TYPE http_requests_total counter\n"));
  EXPECT_TRUE(contains(reply.body, "http_requests_total{route=\"/health\",code=\"200\"} 1\n"))
      << reply.body;
  EXPECT_TRUE(contains(reply.body, "# TYPE http_request_duration_seconds histogram\n"));
  EXPECT_TRUE(contains(reply.body, "http_request_duration_seconds_count{route=\"/health\"} 1\n"))
      << reply.body;
}

TEST_F(HealthApiTest, RouteLabelIsPatternNotPath) {
  complete_setup();
  authed(http::verb::get, "/v1/torrents/0b9c0c1e-aaaa-4bbb-8ccc-123456789abc");
  authed(http::verb::get, "/v1/torrents/0b9c0c1e-aaaa-4bbb-8ccc-dddddddddddd");
  request(http::verb::get, "/no/such/path/secret-looking-value");
  request(http::verb::delete_, "/health");

  const std::string text = metrics_.render();
  EXPECT_TRUE(contains(text, "http_requests_total{route=\"/v1/torrents/{id}\",code=\"404\"} 2\n"))
      << text;
  EXPECT_TRUE(contains(text, "http_requests_total{route=\"unmatched\",code=\"404\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "http_requests_total{route=\"unmatched\",code=\"405\"} 1\n")) << text;
  EXPECT_FALSE(contains(text, "0b9c0c1e")) << text;
  EXPECT_FALSE(contains(text, "secret-looking-value")) << text;
}

TEST_F(HealthApiTest, FailedAuthIsCounted) {
  complete_setup();
  request(http::verb::get, "/v1/torrents", {}, {{"x-revaer-api-key", "a:b"}});
  EXPECT_TRUE(
      contains(metrics_.render(), "http_requests_total{route=\"/v1/torrents\",code=\"401\"} 1\n"))
      << metrics_.render();
}

TEST_F(HealthApiTest, HealthFullIsOpenInSetupMode) {
  Reply reply = request(http::verb::get, "/health/full");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json body = reply.json();
  EXPECT_EQ(body.at("status"), "ok");
  EXPECT_EQ(body.at("mode"), "setup");
  EXPECT_TRUE(body.at("revision").is_number_integer());
  EXPECT_FALSE(body.at("version").get<std::string>().empty());
  EXPECT_FALSE(body.at("commit").get<std::string>().empty());
  EXPECT_EQ(body.at("degraded"), json::array());
  EXPECT_TRUE(body.at("metrics").is_object());
  EXPECT_EQ(body.at("torrents").at("total"), 0);
}

TEST_F(HealthApiTest, HealthFullListsDegradedComponents) {
  complete_setup();
  health_.degrade("fsops", "post-processing of torrent t1 failed");

  Reply reply = request(http::verb::get, "/health/full");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json body = reply.json();
  EXPECT_EQ(body.at("status"), "degraded");
  EXPECT_EQ(body.at("mode"), "active");
  ASSERT_EQ(body.at("degraded").size(), 1u) << body.dump();
  const json& entry = body.at("degraded").at(0);
  EXPECT_EQ(entry.at("component"), "fsops");
  EXPECT_EQ(entry.at("reason"), "post-processing of torrent t1 failed");
  EXPECT_EQ(entry.at("since").get<std::string>().back(), 'Z');

  health_.clear("fsops");
  EXPECT_EQ(request(http::verb::get, "/health/full").json().at("status"), "ok");
}

TEST_F(HealthApiTest, HealthFullCountsTorrentsAndMetrics) {
  register_torrent_metrics(metrics_, engine_);
  engine_.insert(torrent_in("a", TorrentState::downloading, 1000));
  engine_.insert(torrent_in("bb", TorrentState::seeding, 0));
  engine_.insert(torrent_in("ccc", TorrentState::queued, 0));
  engine_.insert(torrent_in("dddd", TorrentState::queued, 0));
  request(http::verb::get, "/health");

  const json body = request(http::verb::get, "/health/full").json();
  const json& torrents = body.at("torrents");
  EXPECT_EQ(torrents.at("total"), 4);
  EXPECT_EQ(torrents.at("active"), 2);
  EXPECT_EQ(torrents.at("queued"), 2);
  EXPECT_EQ(torrents.at("by_state").at("queued"), 2);
  EXPECT_EQ(torrents.at("by_state").at("downloading"), 1);
  EXPECT_EQ(torrents.at("by_state").at("stopped"), 0);

  const json& metrics = body.at("metrics");
  EXPECT_EQ(metrics.at("active_torrents"), 2);
  EXPECT_EQ(metrics.at("queue_depth"), 2);
  EXPECT_EQ(metrics.at("download_rate_bytes_per_second"), 1000);
  EXPECT_EQ(metrics.at("upload_rate_bytes_per_second"), 40);
  EXPECT_GE(metrics.at("http_requests_total").get<double>(), 1.0);
}

TEST_F(HealthApiTest, HealthReportsDatabaseOk) {
  health_.degrade("database", "the database is not reachable");
  Reply reply = request(http::verb::get, "/health");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json(), json({{"status", "ok"}}));
  EXPECT_FALSE(health_.is_degraded("database"));
}

TEST_F(HealthApiTest, DatabaseOutageIsNotReady) {
  ping_store_->set_reachable(false);

  Reply ready = request(http::verb::get, "/health");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(ready.header("content-type"), "application/problem+json");
  EXPECT_EQ(ready.json().at("degraded"), json::array({"database"}));

  Reply full = request(http::verb::get, "/health/full");
  EXPECT_EQ(full.status, 503) << full.body;
  const json body = full.json();
  EXPECT_EQ(body.at("status"), "degraded");
  ASSERT_EQ(body.at("degraded").size(), 1u) << body.dump();
  EXPECT_EQ(body.at("degraded").at(0).at("component"), "database");

  const auto published = events_.events();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].kind, "health_changed");
  EXPECT_EQ(published[0].data.at("status"), "degraded");

  ping_store_->set_reachable(true);
  EXPECT_EQ(request(http::verb::get, "/health").status, 200);
  EXPECT_EQ(request(http::verb::get, "/health/full").json().at("status"), "ok");
  EXPECT_EQ(events_.events().size(), 2u);
}

}  // namespace
}  // namespace revaer::test
