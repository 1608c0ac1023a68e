#!/usr/bin/env bash
# Lists and details with 10,000 torrents: revaerd against qbittorrent-nox
# and transmission-daemon, loaded with the same paused torrents and
# measured in alternating rounds on loopback.
#
#   bench/torrents/run.sh
#   TORRENTS=2000 ROUNDS=5 bench/torrents/run.sh
#   BOOTSTRAP=0 ROUNDS=0 RESTART_ROUNDS=3 NO_TRANSMISSION=1 bench/torrents/run.sh
#
# Prints per daemon the median time to list every torrent (revaerd paged by
# 200), the median and p99 of single-torrent detail requests and resident
# memory, then the ratios; ROUNDS=0 skips these. Last it restarts each
# daemon RESTART_ROUNDS times (1) and prints the seconds until its API
# responds and until a full walk lists every torrent, checked every
# RESTART_POLL seconds (0.1). NO_TRANSMISSION=1 leaves transmission-daemon
# out.
# REVAER_BUILD_DIR selects the build folder (default: build); BOOTSTRAP=0
# skips installing the daemons.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")

if [[ ${BOOTSTRAP:-1} != 0 ]]; then
  "$root/scripts/bootstrap.sh" --bench
fi
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja
fi
cmake --build "$build" --target revaerd

extra=()
if [[ ${NO_TRANSMISSION:-0} != 0 ]]; then
  extra+=(--no-transmission)
fi
exec python3 "$root/bench/torrents/torrent_list_bench.py" --revaerd "$build/revaerd" \
  --torrents "${TORRENTS:-10000}" --rounds "${ROUNDS:-3}" --details "${DETAILS:-200}" \
  --restart-rounds "${RESTART_ROUNDS:-1}" --restart-poll "${RESTART_POLL:-0.1}" "${extra[@]}"
