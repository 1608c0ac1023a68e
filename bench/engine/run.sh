#!/usr/bin/env bash
# Download time and peak memory of one large torrent, revaerd against
# qbittorrent-nox, from the same libtorrent seeder on loopback.
#
#   bench/engine/run.sh
#   SIZE_MIB=512 ROUNDS=5 bench/engine/run.sh
#
# REVAER_BUILD_DIR selects the build folder (default: build).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")

"$root/scripts/bootstrap.sh" --bench
cmake -S "$root" -B "$build" -G Ninja -DREVAER_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target revaerd lt_seeder lt_leecher

exec python3 "$root/bench/engine/download_bench.py" --revaerd "$build/revaerd" \
  --seeder "$build/bench/lt_seeder" --leecher "$build/bench/lt_leecher" \
  --size-mib "${SIZE_MIB:-2048}" --rounds "${ROUNDS:-3}"
