#include "telemetry/metrics.hpp"

#include <gtest/gtest.h>

namespace revaer {
namespace {

TEST(Metrics, RendersPrometheusText) {
  MetricsRegistry registry;
  registry.counter("http_requests_total", "HTTP requests",
                   {{"route", "/v1/torrents"}, {"code", "200"}})
      .increment(3);
  registry.gauge("active_torrents", "Torrents not stopped").set(2);
  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{route=\"/v1/torrents\",code=\"200\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE active_torrents gauge\nactive_torrents 2\n"),
            std::string::npos);
}

TEST(Metrics, SameSeriesIsShared) {
  MetricsRegistry registry;
  registry.counter("events_emitted_total", "Events", {{"type", "progress"}}).increment();
  registry.counter("events_emitted_total", "Events", {{"type", "progress"}}).increment();
  EXPECT_EQ(registry.counter("events_emitted_total", "Events", {{"type", "progress"}}).value(),
            2u);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(format_labels({{"path", "a\"b\\c\nd"}}), "{path=\"a\\\"b\\\\c\\nd\"}");
}

TEST(Metrics, TypeClashThrows) {
  MetricsRegistry registry;
  registry.counter("x", "help");
  EXPECT_THROW(registry.gauge("x", "help"), std::logic_error);
}

}  // namespace
}  // namespace revaer

namespace revaer {
namespace {

TEST(MetricsDeclare, ListsFamilyWithoutSeries) {
  MetricsRegistry registry;
  registry.declare("http_requests_total", "counter", "HTTP responses");
  const std::string text = registry.render();
  EXPECT_EQ(text,
            "# HELP http_requests_total HTTP responses\n"
            "# TYPE http_requests_total counter\n");
  EXPECT_THROW(registry.declare("http_requests_total", "gauge", "x"),
               std::logic_error);
  EXPECT_THROW(registry.declare("y", "summary", "x"), std::logic_error);
}

TEST(MetricsCollector, RunsBeforeRenderAndSnapshot) {
  MetricsRegistry registry;
  int runs = 0;
  registry.add_collector([&registry, &runs] {
    ++runs;
    registry.gauge("active_torrents", "Active").set(runs);
  });
  EXPECT_NE(registry.render().find("active_torrents 1\n"), std::string::npos);
  EXPECT_EQ(registry.snapshot().at("active_torrents"), 2.0);
  EXPECT_EQ(runs, 2);
}

TEST(MetricsSnapshot, SumsLabelledSeries) {
  MetricsRegistry registry;
  registry.counter("events_emitted_total", "Events", {{"type", "progress"}})
      .increment(3);
  registry.counter("events_emitted_total", "Events", {{"type", "completed"}})
      .increment(2);
  registry.gauge("torrents", "By state", {{"state", "queued"}}).set(4);
  registry.gauge("torrents", "By state", {{"state", "seeding"}}).set(1);
  registry.gauge("queue_depth", "Queue").set(7);
  registry.histogram("latency_seconds", "Latency", {{"route", "a"}}, {1.0})
      .observe(0.5);
  registry.histogram("latency_seconds", "Latency", {{"route", "b"}}, {1.0})
      .observe(2.0);

  const auto values = registry.snapshot();
  EXPECT_EQ(values.at("events_emitted_total"), 5.0);
  EXPECT_EQ(values.at("torrents"), 5.0);
  EXPECT_EQ(values.at("queue_depth"), 7.0);
  EXPECT_EQ(values.at("latency_seconds_count"), 2.0);
  EXPECT_EQ(values.at("latency_seconds_sum"), 2.5);
  EXPECT_EQ(values.count("latency_seconds"), 0u);
}

}  // namespace
}  // namespace revaer
