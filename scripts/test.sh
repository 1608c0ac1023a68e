#!/usr/bin/env bash
# Builds Revaer with warnings as errors and runs the whole test suite:
# unit tests, HTTP tests on loopback and end-to-end tests against real
# BitTorrent peers. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${REVAER_BUILD_DIR:-build}
jobs=${REVAER_JOBS:-$(nproc)}

./scripts/bootstrap.sh --tests
cmake -S . -B "$build_dir" -G Ninja -DREVAER_WERROR=ON -DREVAER_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$jobs"
ctest --test-dir "$build_dir" -j "$jobs" --output-on-failure "$@"
