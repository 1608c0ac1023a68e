#!/usr/bin/env bash
# Post-processing speed against the standard tools on the same files:
# copy (cp -r, and cp -r followed by sync), hardlink (cp -al, and cp -al
# followed by sync), and
# extraction of a zip (bsdtar) and a 7z archive (7z). Each prints one line
# with the median seconds of ROUNDS runs and speed_ratio = tool seconds /
# revaer seconds (above 1 means revaer is faster).
#
#   bench/fsops/run.sh
#   SIZE_MIB=512 ARCHIVE_MIB=256 ROUNDS=5 bench/fsops/run.sh
#   BOOTSTRAP=0 bench/fsops/run.sh   # bsdtar and 7z already installed
#
# SIZE_MIB (default 2048) is the payload of copy and hardlink, in
# PAYLOAD_FILES (default 4) files; ARCHIVE_MIB (default 1024) is the
# content of each archive. The files are random bytes, so the archives
# barely compress, as with media.
# Everything happens under WORK_DIR (default: a new folder in /tmp), which
# needs about 2 * SIZE_MIB + 5 * ARCHIVE_MIB of free space. Files are read
# from the page cache in every run, by the tool and by revaer alike.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")
size_mib=${SIZE_MIB:-2048}
payload_files=${PAYLOAD_FILES:-4}
archive_mib=${ARCHIVE_MIB:-1024}
rounds=${ROUNDS:-3}

# bsdtar and 7z come with the test tools; BOOTSTRAP=0 skips the install
# check when they are present.
if [[ ${BOOTSTRAP:-1} != 0 ]]; then
  "$root/scripts/bootstrap.sh" --tests
fi
cmake -S "$root" -B "$build" -G Ninja -DREVAER_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target fsops_bench
bench="$build/bench/fsops_bench"

work=$(mktemp -d "${WORK_DIR:-/tmp}/revaer-fsops-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Writes COUNT files of MIB/COUNT MiB of random bytes into FOLDER.
make_random_files() {
  local folder=$1 mib=$2 count=$3
  mkdir -p "$folder"
  for i in $(seq "$count"); do
    head -c "$((mib * 1024 / count))K" /dev/urandom >"$folder/part-$i.bin"
  done
}

seconds_of() {  # seconds_of COMMAND...: prints the wall-clock seconds
  local start end
  sync
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}

median() {
  sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

# compare NAME TOOL_LABEL OUTPUT_DIR TOOL_COMMAND -- REVAER_MODE PAYLOAD
# Runs the tool and revaer alternately, emptying OUTPUT_DIR after each.
compare() {
  local name=$1 tool=$2 out=$3
  shift 3
  local tool_cmd=()
  while [[ $1 != -- ]]; do
    tool_cmd+=("$1")
    shift
  done
  shift
  local mode=$1 payload=$2
  local tool_times=() revaer_times=()
  for _ in $(seq "$rounds"); do
    rm -rf "$out" && mkdir -p "$out"
    tool_times+=("$(seconds_of "${tool_cmd[@]}")")
    rm -rf "$out" && mkdir -p "$out"
    revaer_times+=("$("$bench" "$mode" "$payload" "$out")")
  done
  rm -rf "$out"
  local tool_median revaer_median
  tool_median=$(printf '%s\n' "${tool_times[@]}" | median)
  revaer_median=$(printf '%s\n' "${revaer_times[@]}" | median)
  echo "op=$name tool=$tool tool_s=$tool_median revaer_s=$revaer_median" \
    "speed_ratio=$(python3 -c "print(f'{$tool_median / $revaer_median:.2f}')")"
}

make_random_files "$work/payload" "$size_mib" "$payload_files"
cat "$work"/payload/* >/dev/null  # into the page cache

compare copy "cp -r" "$work/library" cp -r "$work/payload" "$work/library/" -- \
  copy "$work/payload"
# revaer flushes each copied file to disk (fdatasync) before it renames it
# into the library; this line gives cp the same durability.
compare copy_synced "cp -r; sync" "$work/library" \
  bash -c 'cp -r "$1" "$2" && sync' copy-synced "$work/payload" "$work/library/" -- \
  copy "$work/payload"
compare hardlink "cp -al" "$work/library" cp -al "$work/payload" "$work/library/" -- \
  hardlink "$work/payload"
# revaer's job record is flushed after the stages that change files; this
# line gives cp -al a flush too.
compare hardlink_synced "cp -al; sync" "$work/library" \
  bash -c 'cp -al "$1" "$2" && sync' hardlink-synced "$work/payload" "$work/library/" -- \
  hardlink "$work/payload"

make_random_files "$work/content" "$archive_mib" 4
mkdir -p "$work/zipset" "$work/7zset"
bsdtar -a -cf "$work/zipset/content.zip" -C "$work/content" .
7z a -bd -mx=1 "$work/7zset/content.7z" "$work/content/." >/dev/null
rm -rf "$work/content" "$work/payload"
cat "$work"/zipset/* "$work"/7zset/* >/dev/null

compare extract_zip bsdtar "$work/library" \
  bsdtar -xf "$work/zipset/content.zip" -C "$work/library" -- extract "$work/zipset"
compare extract_7z 7z "$work/library" \
  7z x -bd -y "-o$work/library" "$work/7zset/content.7z" -- extract "$work/7zset"
