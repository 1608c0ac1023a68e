#!/usr/bin/env bash
# Builds and runs the rate limiter benchmark: the cost of one token bucket
# check per request, with one key, 1,000 keys, and the failed-attempt
# throttle, on 1 to 4 threads.
#
#   bench/rate_limiter/run.sh
#   bench/rate_limiter/run.sh --benchmark_filter=many
#
# Arguments go to the benchmark program. It compiles the limiter sources
# directly with the machine's g++ and libbenchmark-dev (Google Benchmark),
# into a temporary folder, so it needs no configured build folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

g++ -std=c++20 -O2 -DNDEBUG -I "$root" \
  "$root/bench/rate_limiter/rate_limiter_bench.cpp" \
  "$root/api/rate_limiter.cpp" "$root/api/auth_throttle.cpp" \
  -lbenchmark -lpthread -o "$out/rate_limiter_bench"
"$out/rate_limiter_bench" "$@"
