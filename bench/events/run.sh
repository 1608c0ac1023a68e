#!/usr/bin/env bash
# Builds and runs the SSE fan-out benchmark: for each subscriber count,
# one line of delivery latency and server memory figures.
#
#   bench/events/run.sh                 # 1000 and 10000 subscribers
#   SUBSCRIBERS="100" RATE=20 EVENTS=200 bench/events/run.sh
#
# REVAER_BUILD_DIR selects the build folder (default: build); the script
# turns on REVAER_BUILD_BENCH there and builds the sse_bench target.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")
subscribers=${SUBSCRIBERS:-"1000 10000"}
rate=${RATE:-10}
events=${EVENTS:-100}

cmake -S "$root" -B "$build" -G Ninja -DREVAER_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target sse_bench
binary="$build/bench/sse_bench"

# Each subscriber needs a socket in the client process and one in the
# server process, so each process needs a little over SUBSCRIBERS files.
hard=$(ulimit -Hn)
if [[ "$hard" == unlimited || "$hard" -gt 65536 ]]; then
  hard=65536
fi
ulimit -n "$hard"
for count in $subscribers; do
  "$binary" "$count" "$rate" "$events"
done
