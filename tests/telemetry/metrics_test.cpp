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
