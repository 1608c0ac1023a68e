#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "telemetry/histogram.hpp"

namespace revaer {

// Label names and values of one series, e.g. {{"route", "/v1/torrents"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing value. Safe from any thread.
class Counter {
 public:
  void increment(std::uint64_t by = 1) {
    value_.fetch_add(by, std::memory_order_relaxed);
  }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down. Safe from any thread.
class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// The content type of the exposition text that render() returns.
inline constexpr const char* kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Holds every metric of the daemon and renders the Prometheus text format
// (version 0.0.4). Metrics are created on first use and live as long as the
// registry; the returned references stay valid. Thread-safe.
class MetricsRegistry {
 public:
  // Updates gauges from their source right before render() and
  // snapshot(). May run on several threads at once, so it must be
  // thread-safe, and it must not call render() or snapshot().
  using Collector = std::function<void()>;

  Counter& counter(const std::string& name, const std::string& help,
                   const MetricLabels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help,
               const MetricLabels& labels = {});
  // `bounds` apply when the series is created; later calls return the
  // existing series as it is.
  Histogram& histogram(const std::string& name, const std::string& help,
                       const MetricLabels& labels = {},
                       const std::vector<double>& bounds =
                           default_latency_buckets());

  // Registers a family without series, so that its HELP and TYPE lines
  // appear before the first series exists. `type` is counter, gauge or
  // histogram. Throws std::logic_error when the name has another type.
  void declare(const std::string& name, const std::string& type,
               const std::string& help);

  void add_collector(Collector collector);

  // Runs the collectors, then returns the exposition text of every
  // series, sorted by name.
  std::string render() const;

  // Runs the collectors, then returns one value per family, by name, for
  // /health/full. A counter family gives the sum of its series. A gauge
  // family gives its series without labels, else the sum of its series.
  // A histogram family gives NAME_count and NAME_sum over its series.
  std::map<std::string, double> snapshot() const;

 private:
  struct HistogramSeries {
    MetricLabels labels;
    std::unique_ptr<Histogram> histogram;
  };

  struct Family {
    std::string type;  // counter|gauge|histogram
    std::string help;
    // Series by their rendered labels.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, HistogramSeries> histograms;
  };

  Family& family(const std::string& name, const std::string& type,
                 const std::string& help);
  void run_collectors() const;

  mutable std::mutex mutex_;  // guards families_
  std::map<std::string, Family> families_;
  mutable std::mutex collectors_mutex_;  // guards collectors_
  std::vector<Collector> collectors_;
};

// Renders labels as {a="x",b="y"} with Prometheus escaping of \, " and
// newlines; returns an empty string for no labels.
std::string format_labels(const MetricLabels& labels);

}  // namespace revaer
