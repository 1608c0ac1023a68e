#include "telemetry/histogram.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "telemetry/metrics.hpp"

namespace revaer {
namespace {

TEST(Histogram, BoundsAreInclusive) {
  Histogram histogram({1.0, 2.0});
  histogram.observe(1.0);
  histogram.observe(1.5);
  histogram.observe(2.0);
  histogram.observe(7.0);

  const Histogram::Snapshot snapshot = histogram.snapshot();
  ASSERT_EQ(snapshot.cumulative.size(), 3u);
  EXPECT_EQ(snapshot.cumulative[0], 1u);  // le=1
  EXPECT_EQ(snapshot.cumulative[1], 3u);  // le=2
  EXPECT_EQ(snapshot.cumulative[2], 4u);  // le=+Inf
  EXPECT_EQ(snapshot.count(), 4u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 11.5);
}

TEST(Histogram, IgnoresNan) {
  Histogram histogram({1.0});
  histogram.observe(std::numeric_limits<double>::quiet_NaN());
  histogram.observe(0.5);
  EXPECT_EQ(histogram.snapshot().count(), 1u);
  EXPECT_DOUBLE_EQ(histogram.snapshot().sum, 0.5);
}

TEST(Histogram, RejectsUnorderedBounds) {
  EXPECT_THROW(Histogram({1.0, 1.0}), std::invalid_argument);
  EXPECT_THROW(Histogram({2.0, 1.0}), std::invalid_argument);
}

TEST(Histogram, CountsEveryConcurrentObservation) {
  Histogram histogram(default_latency_buckets());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&histogram, t] {
      for (int i = 0; i < kPerThread; ++i) {
        histogram.observe(t == 0 ? 0.002 : 20.0);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  const Histogram::Snapshot snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count(), static_cast<std::uint64_t>(kThreads * kPerThread));
  // 0.002 lands in le=0.0025 (index 1); 20 only in +Inf.
  EXPECT_EQ(snapshot.cumulative[1], static_cast<std::uint64_t>(kPerThread));
  EXPECT_EQ(snapshot.cumulative[snapshot.cumulative.size() - 2],
            static_cast<std::uint64_t>(kPerThread));
  EXPECT_NEAR(snapshot.sum, kPerThread * (0.002 + 3 * 20.0), 1e-3);
}

TEST(HistogramRender, WritesBucketsSumAndCount) {
  MetricsRegistry registry;
  Histogram& histogram = registry.histogram("http_request_duration_seconds", "Latency",
                                            {{"route", "/health"}}, {0.1, 1.0});
  histogram.observe(0.0625);
  histogram.observe(0.5);
  histogram.observe(3.0);

  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{route=\"/health\","
                      "le=\"0.1\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{route=\"/health\","
                      "le=\"1\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_request_duration_seconds_bucket{route=\"/health\","
                      "le=\"+Inf\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_request_duration_seconds_sum{route=\"/health\"} 3.5625\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_request_duration_seconds_count{route=\"/health\"} 3\n"),
            std::string::npos)
      << text;
}

TEST(HistogramRender, SharesSeriesByLabels) {
  MetricsRegistry registry;
  registry.histogram("latency_seconds", "Latency", {{"route", "a"}}).observe(1);
  registry.histogram("latency_seconds", "Latency", {{"route", "a"}}).observe(1);
  registry.histogram("latency_seconds", "Latency", {{"route", "b"}}).observe(1);
  EXPECT_EQ(registry.histogram("latency_seconds", "Latency", {{"route", "a"}}).snapshot().count(),
            2u);
  EXPECT_THROW(registry.counter("latency_seconds", "Latency"), std::logic_error);
}

}  // namespace
}  // namespace revaer
