#!/usr/bin/env bash
# Builds revaerd and revaer, then starts revaerd in the foreground on its
# embedded SQLite store. Arguments are passed to revaerd, e.g.
#   ./scripts/run.sh --data-dir /srv/revaer --listen 127.0.0.1:7070
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${REVAER_BUILD_DIR:-build}

./scripts/bootstrap.sh
cmake -S . -B "$build_dir" -G Ninja -DREVAER_BUILD_TESTS=OFF
cmake --build "$build_dir" --target revaerd revaer -j "$(nproc)"
exec "$build_dir/revaerd" "$@"
