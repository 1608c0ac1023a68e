// Per-request cost of the API key token buckets and the failed-attempt
// throttle, measured with Google Benchmark.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "api/auth_throttle.hpp"
#include "api/rate_limiter.hpp"

namespace {

using revaer::AuthThrottle;
using revaer::RateClock;
using revaer::RateLimit;
using revaer::RateLimiter;

// A limit no benchmark exhausts, so every call takes the allowed path.
constexpr RateLimit kGenerous{1e12, 1};

std::vector<std::string> key_names(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    names.push_back("key-" + std::to_string(i));
  }
  return names;
}

void acquire_one_key(benchmark::State& state) {
  static RateLimiter limiter;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        limiter.acquire("sonarr", kGenerous, RateClock::now()));
  }
}
BENCHMARK(acquire_one_key)->Threads(1)->Threads(2)->Threads(4);

void acquire_many_keys(benchmark::State& state) {
  static RateLimiter limiter;
  const std::vector<std::string> names = key_names(1000);
  std::size_t next = static_cast<std::size_t>(state.thread_index()) * 17;
  for (auto _ : state) {
    const std::string& name = names[next++ % names.size()];
    benchmark::DoNotOptimize(limiter.acquire(name, kGenerous, RateClock::now()));
  }
}
BENCHMARK(acquire_many_keys)->Threads(1)->Threads(2)->Threads(4);

void auth_attempt_succeeds(benchmark::State& state) {
  static AuthThrottle throttle({10, 60});
  auto client = boost::asio::ip::make_address("192.0.2.10");
  for (auto _ : state) {
    benchmark::DoNotOptimize(throttle.begin_attempt(client, RateClock::now()));
    throttle.succeeded(client);
  }
}
BENCHMARK(auth_attempt_succeeds)->Threads(1)->Threads(2);

}  // namespace

BENCHMARK_MAIN();
