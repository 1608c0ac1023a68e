#!/usr/bin/env bash
# Builds Revaer with warnings as errors and runs the whole test suite:
# the fuzz targets for a short while (scripts/fuzz.sh), then unit tests,
# HTTP tests on loopback and end-to-end tests against real BitTorrent
# peers. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${REVAER_BUILD_DIR:-build}
jobs=${REVAER_JOBS:-$(nproc)}

./scripts/bootstrap.sh --tests
cmake -S . -B "$build_dir" -G Ninja -DREVAER_WERROR=ON -DREVAER_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$jobs"
REVAER_FUZZ_BUILD_DIR="$build_dir-fuzz" ./scripts/fuzz.sh
ctest --test-dir "$build_dir" -j "$jobs" --output-on-failure "$@"
