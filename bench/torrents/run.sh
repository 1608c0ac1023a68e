#!/usr/bin/env bash
# Lists and details with 10,000 torrents: revaerd against qbittorrent-nox
# and transmission-daemon, loaded with the same paused torrents and
# measured in alternating rounds on loopback.
#
#   bench/torrents/run.sh
#   TORRENTS=2000 ROUNDS=5 bench/torrents/run.sh
#
# Prints per daemon the median time to list every torrent (revaerd paged by
# 200), the median and p99 of single-torrent detail requests and resident
# memory, then the ratios. REVAER_BUILD_DIR selects the build folder
# (default: build).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")

"$root/scripts/bootstrap.sh" --bench
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja
fi
cmake --build "$build" --target revaerd

exec python3 "$root/bench/torrents/torrent_list_bench.py" --revaerd "$build/revaerd" \
  --torrents "${TORRENTS:-10000}" --rounds "${ROUNDS:-3}" --details "${DETAILS:-200}"
