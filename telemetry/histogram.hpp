#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace revaer {

// Upper bounds in seconds for request latencies, from 1 ms to 10 s.
const std::vector<double>& default_latency_buckets();

// Counts observations into buckets by upper bound, as a Prometheus
// histogram. observe() is lock-free: one atomic increment for the bucket
// and one atomic add for the sum. Safe from any thread.
class Histogram {
 public:
  // `bounds` are the finite upper bounds in increasing order; the +Inf
  // bucket is implicit. Throws std::invalid_argument when they are not
  // strictly increasing.
  explicit Histogram(std::vector<double> bounds);

  // Adds one observation. NaN is ignored.
  void observe(double value);

  // The values of one moment. Concurrent observations may land between
  // the reads of the buckets and of the sum, so `sum` can run ahead of the
  // counts by those observations.
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0.0;
    std::uint64_t count() const { return cumulative.back(); }
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  // Per bucket, not cumulative; the last one is +Inf.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0.0};
};

}  // namespace revaer
