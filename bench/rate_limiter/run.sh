#!/usr/bin/env bash
# Builds and runs the rate limiter benchmark: the cost of one token bucket
# check per request, with one key, 1,000 keys, and the failed-attempt
# throttle, on 1 to 4 threads.
#
#   bench/rate_limiter/run.sh
#   bench/rate_limiter/run.sh --benchmark_filter=many
#
# Arguments go to the benchmark program. REVAER_BUILD_DIR selects the build
# folder (default: build); the script turns on REVAER_BUILD_BENCH there and
# builds the rate_limiter_bench target.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")

"$root/scripts/bootstrap.sh" --bench
cmake -S "$root" -B "$build" -G Ninja -DREVAER_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target rate_limiter_bench
"$build/bench/rate_limiter_bench" "$@"
