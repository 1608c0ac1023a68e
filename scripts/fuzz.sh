#!/usr/bin/env bash
# Builds the libFuzzer targets under fuzz/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, then runs each one for FUZZ_SECONDS (default
# 30) starting from its seed corpus in fuzz/corpus/. Exits non-zero on the
# first crash, leak or sanitizer report; libFuzzer writes the input that
# caused it to crash-* in the current folder. FUZZ_SECONDS=0 skips both the
# build and the runs.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${REVAER_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-30}
if [[ "$seconds" == 0 ]]; then
  echo "fuzz: skipped (FUZZ_SECONDS=0)"
  exit 0
fi

CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREVAER_FUZZ=ON -DREVAER_BUILD_TESTS=OFF
cmake --build "$build_dir" --target fuzzers

for corpus in fuzz/corpus/*/; do
  target=$(basename "$corpus")
  # Inputs the run discovers go to a scratch folder, not into the
  # repository. libFuzzer's progress lines go to a log that is printed only
  # when the run fails.
  scratch=$(mktemp -d)
  mkdir "$scratch/corpus"
  echo "fuzz: running ${target}_fuzz for ${seconds} s"
  if ! "$build_dir/fuzz/${target}_fuzz" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 "$scratch/corpus" "$corpus" >"$scratch/log" 2>&1; then
    tail -n 80 "$scratch/log"
    echo "fuzz: ${target}_fuzz failed; the input that caused it is in crash-* here"
    exit 1
  fi
  grep -E '^Done [0-9]+ runs' "$scratch/log" | sed "s/^/fuzz: ${target}_fuzz: /"
  rm -rf "$scratch"
done
