#!/usr/bin/env bash
# Installs the Debian packages that building and testing Revaer need.
# Idempotent: packages already present are skipped, and apt-get runs only
# when something is missing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libtorrent-rasterbar-dev libboost1.74-dev libboost-system1.74-dev
  libssl-dev libsqlite3-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libgtest-dev libgmock-dev libpq-dev libarchive-dev
)
test_packages=(
  opentracker transmission-daemon mktorrent postgresql
  clang libclang-rt-14-dev
  par2 p7zip-full libarchive-tools
  prometheus
  qbittorrent-nox
)

# Google Benchmark, the load generator of bench/http and the reference
# daemons the benchmarks compare against.
bench_packages=(libbenchmark-dev wrk qbittorrent-nox transmission-daemon)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--bench" ]]; then
  wanted+=("${bench_packages[@]}")
fi
if [[ "${1:-}" == "--tests" ]]; then
  wanted+=("${test_packages[@]}")
  if ! command -v npm >/dev/null; then
    wanted+=(nodejs npm)
  fi
fi

# Installs the npm packages that the tests drive, pinned by the
# package-lock.json of tests/e2e/node (eventsource, ...), of tests/qbit/node
# (@ctrl/qbittorrent, flood) and of tests/openapi (@redocly/cli). Runs npm
# ci in a folder only when its node_modules is missing or was installed
# from another lock file.
install_node_clients() {
  local root folder
  root="$(cd "$(dirname "$0")/.." && pwd)"
  for folder in tests/e2e/node tests/qbit/node tests/openapi; do
    local dir="$root/$folder"
    local installed="$dir/node_modules/.revaer-package-lock.json"
    if cmp -s "$dir/package-lock.json" "$installed"; then
      continue
    fi
    echo "bootstrap: installing the npm packages in $folder"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$installed"
  done
}

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null \
      | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  sudo_cmd=()
  if ((EUID != 0)); then
    sudo_cmd=(sudo)
  fi
  echo "bootstrap: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ "${1:-}" == "--tests" ]]; then
  install_node_clients
fi
