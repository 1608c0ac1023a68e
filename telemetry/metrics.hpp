#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

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

// Holds every metric of the daemon and renders the Prometheus text format
// (version 0.0.4). Metrics are created on first use and live as long as the
// registry; the returned references stay valid. Thread-safe.
class MetricsRegistry {
 public:
  Counter& counter(const std::string& name, const std::string& help,
                   const MetricLabels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help,
               const MetricLabels& labels = {});

  // Returns the exposition text of every series, sorted by name.
  std::string render() const;

  // Returns the current value of every series without labels, by name
  // (counters and gauges alike), for /health/full.
  std::map<std::string, double> snapshot() const;

 private:
  struct Family {
    std::string type;  // counter|gauge
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by labels
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
  };

  Family& family(const std::string& name, const std::string& type,
                 const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// Renders labels as {a="x",b="y"} with Prometheus escaping of \, " and
// newlines; returns an empty string for no labels.
std::string format_labels(const MetricLabels& labels);

}  // namespace revaer
