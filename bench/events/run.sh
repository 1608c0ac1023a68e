#!/usr/bin/env bash
# Builds and runs the SSE fan-out benchmark: for each subscriber count,
# one line of delivery latency and server memory figures.
#
#   bench/events/run.sh                 # 1000 and 10000 subscribers
#   SUBSCRIBERS="100" RATE=20 EVENTS=200 bench/events/run.sh
#
# REVAER_BUILD_DIR selects the build folder (default: build). The bench is
# compiled with the same flags as the project's own sources, taken from
# that folder's compile_commands.json, and linked to its libraries.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")
subscribers=${SUBSCRIBERS:-"1000 10000"}
rate=${RATE:-10}
events=${EVENTS:-100}

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja
fi
libs=(api config engine events store telemetry core)
cmake --build "$build" --target "${libs[@]/#/revaer_}"

# The flags of one API source file, minus its own input and output.
flags=$(python3 - "$build/compile_commands.json" "$root/api/sse_stream.cpp" <<'PY'
import json, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if entry["file"] == sys.argv[2]:
        args = shlex.split(entry["command"])[1:]
        keep, skip = [], False
        for arg in args:
            if skip:
                skip = False
            elif arg in ("-o", "-c", "-MF", "-MT"):
                skip = True
            elif arg != "-MD" and arg != "-Werror":
                keep.append(arg)
        print(" ".join(shlex.quote(a) for a in keep))
        break
PY
)

binary="$build/bench/sse_bench"
mkdir -p "$(dirname "$binary")"
archives=()
for lib in "${libs[@]}"; do
  archives+=("$build/librevaer_$lib.a")
done
# shellcheck disable=SC2086  # $flags is a list of words
c++ $flags -o "$binary" "$root/bench/events/sse_bench.cpp" \
  -Wl,--start-group "${archives[@]}" -Wl,--end-group \
  $(pkg-config --libs libtorrent-rasterbar libpq) \
  -lspdlog -lfmt -lsqlite3 -lssl -lcrypto -pthread

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
