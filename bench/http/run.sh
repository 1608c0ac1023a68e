#!/usr/bin/env bash
# Authenticated read throughput of the HTTP API on loopback, revaerd against
# qbittorrent-nox, measured with wrk in the same run on the same machine.
#
#   bench/http/run.sh
#   ROUNDS=5 DURATION=15 CONNECTIONS=64 bench/http/run.sh
#
# revaerd serves GET /v1/torrents?limit=1 with an API key (x-revaer-api-key);
# qbittorrent-nox serves GET /api/v2/app/version with the SID cookie of a
# WebUI login. Both have no torrents. The rounds alternate between the two
# daemons; the last line prints the median requests per second of each and
# their ratio (revaerd / qbittorrent-nox). REVAER_BUILD_DIR selects the
# build folder (default: build).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m "${REVAER_BUILD_DIR:-$root/build}")
rounds=${ROUNDS:-3}
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}

"$root/scripts/bootstrap.sh" --bench
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja
fi
cmake --build "$build" --target revaerd revaer

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # wait_for DESCRIPTION COMMAND...: retries for 30 s
  local what=$1
  shift
  for _ in $(seq 300); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  echo "bench: $what did not become ready within 30 s" >&2
  exit 3
}

start_revaerd() {
  "$build/revaerd" --data-dir "$work/revaer" --listen 127.0.0.1:0 \
    --log-level warn >"$work/revaerd.log" 2>&1 &
  pids+=($!)
  wait_for "revaerd" test -s "$work/revaer/listen.addr"
  revaer_url="http://$(cat "$work/revaer/listen.addr")"

  local cli=("$build/revaer" --api-url "$revaer_url" --output json)
  local token
  token=$("${cli[@]}" setup start | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  cat >"$work/setup.json" <<JSON
{"engine_profile": {"listen_interfaces": ["127.0.0.1"], "listen_port": 0}}
JSON
  revaer_key=$("${cli[@]}" setup complete --token "$token" --file "$work/setup.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
  wait_for "the revaerd engine" curl -fsS -H "x-revaer-api-key: $revaer_key" \
    "$revaer_url/v1/torrents?limit=1"
}

start_qbittorrent() {
  local web_port peer_port
  web_port=$(free_port)
  peer_port=$(free_port)
  mkdir -p "$work/qbt/qBittorrent/config" "$work/qbt-downloads"
  cat >"$work/qbt/qBittorrent/config/qBittorrent.conf" <<CONF
[LegalNotice]
Accepted=true

[Preferences]
WebUI\\Address=127.0.0.1
WebUI\\Port=$web_port
WebUI\\LocalHostAuth=true
WebUI\\UseUPnP=false
Connection\\ResolvePeerCountries=false

[Network]
PortForwardingEnabled=false

[BitTorrent]
Session\\InterfaceAddress=127.0.0.1
Session\\Port=$peer_port
Session\\DHTEnabled=false
Session\\LSDEnabled=false
Session\\PeXEnabled=false
Session\\BTProtocol=TCP
Session\\DefaultSavePath=$work/qbt-downloads
CONF
  qbittorrent-nox --profile="$work/qbt" >"$work/qbittorrent.log" 2>&1 &
  pids+=($!)
  qbt_url="http://127.0.0.1:$web_port"
  # Any HTTP response means ready: before a login it may be 403.
  wait_for "qbittorrent-nox" curl -sS -o /dev/null "$qbt_url/api/v2/app/webapiVersion"
  local sid
  sid=$(curl -sS -D - -o /dev/null --data 'username=admin&password=adminadmin' \
    -H "Referer: $qbt_url" "$qbt_url/api/v2/auth/login" |
    sed -n 's/^[Ss]et-[Cc]ookie: SID=\([^;]*\).*/\1/p' | tr -d '\r')
  if [[ -z "$sid" ]]; then
    echo "bench: qbittorrent-nox login failed; see $work/qbittorrent.log" >&2
    exit 3
  fi
  qbt_cookie="SID=$sid"
  curl -fsS -H "Cookie: $qbt_cookie" "$qbt_url/api/v2/app/version" >/dev/null
}

# Runs wrk and prints its requests per second. Fails when any response was
# not a 2xx, so a rate limit or an expired login cannot pass for speed.
measure() {
  local header=$1 url=$2 output
  output=$(wrk -t "$threads" -c "$connections" -d "${duration}s" -H "$header" "$url")
  if grep -q 'Non-2xx' <<<"$output"; then
    echo "bench: $url returned error responses:" >&2
    echo "$output" >&2
    exit 3
  fi
  awk '/^Requests\/sec:/ {print $2}' <<<"$output"
}

median() {
  sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

start_revaerd
start_qbittorrent

revaer_rates=()
qbt_rates=()
for round in $(seq "$rounds"); do
  rate=$(measure "x-revaer-api-key: $revaer_key" "$revaer_url/v1/torrents?limit=1")
  revaer_rates+=("$rate")
  echo "round $round revaerd requests_per_s=$rate"
  rate=$(measure "Cookie: $qbt_cookie" "$qbt_url/api/v2/app/version")
  qbt_rates+=("$rate")
  echo "round $round qbittorrent-nox requests_per_s=$rate"
done

revaer_median=$(printf '%s\n' "${revaer_rates[@]}" | median)
qbt_median=$(printf '%s\n' "${qbt_rates[@]}" | median)
ratio=$(python3 -c "print(f'{$revaer_median / $qbt_median:.2f}')")
echo "connections=$connections duration_s=$duration rounds=$rounds" \
  "revaerd_rps=$revaer_median qbittorrent_rps=$qbt_median ratio=$ratio"
