#!/usr/bin/env bash
# Installs the Debian packages that building and testing Revaer need.
# Idempotent: packages already present are skipped, and apt-get runs only
# when something is missing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git
  libtorrent-rasterbar-dev libboost1.74-dev libboost-system1.74-dev
  libssl-dev libsqlite3-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libgtest-dev libgmock-dev
)
test_packages=(
  opentracker transmission-daemon mktorrent
)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--tests" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null \
      | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo_cmd=()
if ((EUID != 0)); then
  sudo_cmd=(sudo)
fi
echo "bootstrap: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" \
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
