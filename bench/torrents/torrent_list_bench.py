#!/usr/bin/env python3
"""Torrent-list and detail latency and memory with 10,000 torrents.

Builds N distinct single-file torrents, loads the same set (paused) into
revaerd, qbittorrent-nox and transmission-daemon, then measures in
alternating rounds: the time to list every torrent (revaerd paged by 200,
qBittorrent torrents/info, Transmission torrent-get), the median and p99
of single-torrent detail requests, and each daemon's resident memory;
then restarts each daemon on its saved state and times how long until its
API first responds and until it lists every torrent again.
Every listener binds 127.0.0.1. Started by bench/torrents/run.sh, which
builds revaerd and passes its paths.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid


def bencode(value):
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError(type(value))


def make_torrents(count, tracker):
    """Returns (metainfo bytes, v1 info-hash hex) for `count` distinct torrents."""
    torrents = []
    piece = 16384
    for index in range(count):
        size = piece * 4 + index % piece
        # The piece hashes only need to differ per torrent, because no client downloads them.
        pieces = hashlib.sha1(b"revaer-bench-%d" % index).digest() * ((size + piece - 1) // piece)
        info = {"name": "bench-%05d.bin" % index, "length": size,
                "piece length": piece, "pieces": pieces}
        meta = bencode({"announce": tracker, "info": info})
        torrents.append((meta, hashlib.sha1(bencode(info)).hexdigest()))
    return torrents


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def wait_until(what, check, timeout=120, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            pass
        time.sleep(interval)
    sys.exit("bench: %s did not become ready within %d s" % (what, timeout))


class Http:
    """One keep-alive connection to 127.0.0.1:port."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


class Revaerd:
    name = "revaerd"

    def __init__(self, binary, work):
        self.binary, self.work = binary, work
        self.dir = os.path.join(work, "revaer")
        self.headers = {}
        self.launch()
        status, _, body = self.http.request("POST", "/admin/setup/start", b"{}",
                                            {"content-type": "application/json"})
        token = json.loads(body)["token"]
        changeset = {"engine_profile": {"listen_interfaces": ["127.0.0.1"], "listen_port": 0,
                                        "download_root": os.path.join(work, "revaer-downloads")}}
        status, _, body = self.http.request(
            "POST", "/admin/setup/complete", json.dumps(changeset).encode(),
            {"content-type": "application/json", "x-revaer-setup-token": token})
        if status != 200:
            sys.exit("bench: revaerd setup failed: %d %s" % (status, body[:300]))
        self.key = json.loads(body)["api_key"]
        self.headers = {"x-revaer-api-key": self.key}
        self.wait_api()

    def launch(self, interval=0.1):
        """Starts the process and returns once its HTTP listener accepts requests."""
        addr = os.path.join(self.dir, "listen.addr")
        if os.path.exists(addr):
            os.remove(addr)
        self.proc = subprocess.Popen(
            [self.binary, "--data-dir", self.dir, "--listen", "127.0.0.1:0",
             "--log-level", "warn"],
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.work, "revaerd.log"), "a"))
        wait_until("revaerd", lambda: os.path.getsize(addr) > 0, interval=interval)
        self.http = Http(int(open(addr).read().strip().rsplit(":", 1)[1]))

    def wait_api(self, interval=0.1):
        wait_until("the revaerd engine",
                   lambda: self.http.request("GET", "/v1/torrents?limit=1", None,
                                             self.headers)[0] == 200, interval=interval)

    def add(self, meta, _hash):
        body = json.dumps({"metainfo": base64.b64encode(meta).decode(),
                           "start_paused": True}).encode()
        status, _, text = self.http.request(
            "POST", "/v1/torrents", body,
            dict(self.headers, **{"content-type": "application/json"}))
        if status != 202:
            sys.exit("bench: revaerd add failed: %d %s" % (status, text[:300]))
        return json.loads(text)["id"]

    def list_all(self):
        ids, cursor = [], None
        while True:
            path = "/v1/torrents?limit=200" + (
                "&cursor=" + urllib.parse.quote(cursor) if cursor else "")
            status, _, body = self.http.request("GET", path, None, self.headers)
            page = json.loads(body)
            ids.extend(t["id"] for t in page["torrents"])
            cursor = page["next"]
            if not cursor:
                return ids

    def detail(self, key):
        status, _, body = self.http.request("GET", "/v1/torrents/" + key, None, self.headers)
        assert status == 200 and json.loads(body)["id"] == key

    def pid(self):
        return self.proc.pid


class Qbittorrent:
    name = "qbittorrent-nox"

    def __init__(self, work):
        self.work = work
        self.profile = profile = os.path.join(work, "qbt")
        os.makedirs(os.path.join(profile, "qBittorrent", "config"))
        self.web = web = free_port()
        peer = free_port()
        with open(os.path.join(profile, "qBittorrent", "config", "qBittorrent.conf"), "w") as f:
            f.write("\n".join([
                "[LegalNotice]", "Accepted=true", "", "[Preferences]",
                "WebUI\\Address=127.0.0.1", "WebUI\\Port=%d" % web,
                "WebUI\\LocalHostAuth=false", "WebUI\\UseUPnP=false",
                "Connection\\ResolvePeerCountries=false", "", "[Network]",
                "PortForwardingEnabled=false", "", "[BitTorrent]",
                "Session\\InterfaceAddress=127.0.0.1", "Session\\Port=%d" % peer,
                "Session\\DHTEnabled=false", "Session\\LSDEnabled=false",
                "Session\\PeXEnabled=false", "Session\\BTProtocol=TCP",
                "Session\\MultiConnectionsPerIp=true",
                "Session\\DefaultSavePath=%s" % os.path.join(work, "qbt-downloads"), ""]))
        self.launch()
        self.wait_api()

    def launch(self, interval=0.1):
        self.proc = subprocess.Popen(["qbittorrent-nox", "--profile=" + self.profile],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.work, "qbt.log"), "a"))
        self.http = Http(self.web)

    def wait_api(self, interval=0.1):
        wait_until("qbittorrent-nox",
                   lambda: self.http.request("GET", "/api/v2/app/webapiVersion")[0] == 200,
                   interval=interval)

    def add(self, meta, info_hash):
        boundary = uuid.uuid4().hex
        body = b"".join([
            b"--%s\r\n" % boundary.encode(),
            b'Content-Disposition: form-data; name="torrents"; filename="t.torrent"\r\n',
            b"Content-Type: application/x-bittorrent\r\n\r\n", meta, b"\r\n",
            b"--%s\r\n" % boundary.encode(),
            b'Content-Disposition: form-data; name="paused"\r\n\r\ntrue\r\n',
            b"--%s--\r\n" % boundary.encode()])
        status, _, text = self.http.request(
            "POST", "/api/v2/torrents/add", body,
            {"content-type": "multipart/form-data; boundary=" + boundary})
        if status != 200 or text.strip() != b"Ok.":
            sys.exit("bench: qbittorrent-nox add failed: %d %s" % (status, text[:200]))
        return info_hash

    def list_all(self):
        _, _, body = self.http.request("GET", "/api/v2/torrents/info")
        return [t["hash"] for t in json.loads(body)]

    def detail(self, key):
        status, _, body = self.http.request("GET", "/api/v2/torrents/properties?hash=" + key)
        assert status == 200
        status, _, body = self.http.request("GET", "/api/v2/torrents/files?hash=" + key)
        assert status == 200

    def pid(self):
        return self.proc.pid


class Transmission:
    name = "transmission-daemon"
    list_fields = ["id", "name", "status", "percentDone", "totalSize", "sizeWhenDone",
                   "leftUntilDone", "rateDownload", "rateUpload", "uploadRatio", "eta",
                   "hashString", "downloadDir", "trackers", "addedDate", "doneDate",
                   "error", "errorString", "labels", "sequentialDownload"]
    detail_fields = list_fields + ["files", "fileStats", "priorities", "wanted",
                                   "downloadLimit", "uploadLimit", "seedRatioLimit"]

    def __init__(self, work):
        self.work = work
        self.config = config = os.path.join(work, "transmission")
        os.makedirs(config)
        self.rpc_port = rpc = free_port()
        settings = {"bind-address-ipv4": "127.0.0.1", "bind-address-ipv6": "::1",
                    "rpc-bind-address": "127.0.0.1", "rpc-port": rpc,
                    "rpc-whitelist": "127.0.0.1", "rpc-authentication-required": False,
                    "peer-port": free_port(), "dht-enabled": False, "lpd-enabled": False,
                    "utp-enabled": False, "pex-enabled": False,
                    "port-forwarding-enabled": False,
                    "download-dir": os.path.join(work, "tr-downloads"),
                    "start-added-torrents": False}
        with open(os.path.join(config, "settings.json"), "w") as f:
            json.dump(settings, f)
        self.launch()
        self.wait_api()

    def launch(self, interval=0.1):
        self.proc = subprocess.Popen(["transmission-daemon", "-f", "-g", self.config],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.work, "tr.log"), "a"))
        self.http = Http(self.rpc_port)
        self.session = ""

    def wait_api(self, interval=0.1):
        wait_until("transmission-daemon", lambda: self.rpc("session-get") is not None,
                   interval=interval)

    def rpc(self, method, arguments=None):
        body = json.dumps({"method": method, "arguments": arguments or {}}).encode()
        for _ in range(2):
            status, headers, text = self.http.request(
                "POST", "/transmission/rpc", body,
                {"X-Transmission-Session-Id": self.session,
                 "content-type": "application/json"})
            if status == 409:
                self.session = {k.lower(): v for k, v in headers.items()}[
                    "x-transmission-session-id"]
                continue
            reply = json.loads(text)
            if reply["result"] != "success":
                sys.exit("bench: transmission %s failed: %s" % (method, reply["result"]))
            return reply["arguments"]
        return None

    def add(self, meta, _hash):
        added = self.rpc("torrent-add", {"metainfo": base64.b64encode(meta).decode(),
                                         "paused": True})
        return added["torrent-added"]["id"]

    def list_all(self):
        return [t["id"] for t in self.rpc("torrent-get", {"fields": self.list_fields})["torrents"]]

    def detail(self, key):
        torrents = self.rpc("torrent-get", {"ids": [key], "fields": self.detail_fields})
        assert len(torrents["torrents"]) == 1

    def pid(self):
        return self.proc.pid


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def stop(daemon):
    daemon.proc.send_signal(signal.SIGTERM)
    try:
        daemon.proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        daemon.proc.kill()
        daemon.proc.wait()


def measure_restart(daemon, count, interval):
    """Stops the daemon, starts it again on the same state and returns the
    seconds until its API first responds and until a full walk lists all
    `count` torrents, checking every `interval` seconds."""
    stop(daemon)
    started = time.monotonic()
    daemon.launch(interval)
    daemon.wait_api(interval)
    answered = time.monotonic() - started
    wait_until("%s listing every torrent after a restart" % daemon.name,
               lambda: len(daemon.list_all()) == count, timeout=600, interval=interval)
    return answered, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--revaerd", required=True)
    parser.add_argument("--torrents", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--details", type=int, default=200)
    parser.add_argument("--restart-rounds", type=int, default=1)
    parser.add_argument("--restart-poll", type=float, default=0.1,
                        help="seconds between checks while a restarted daemon starts")
    parser.add_argument("--no-transmission", action="store_true")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="revaer-list-bench-")
    torrents = make_torrents(args.torrents, "http://127.0.0.1:9/announce")
    daemons = []
    try:
        daemons = [Revaerd(args.revaerd, work), Qbittorrent(work)]
        if not args.no_transmission:
            daemons.append(Transmission(work))
        keys = {}
        for daemon in daemons:
            started = time.monotonic()
            keys[daemon.name] = [daemon.add(meta, info_hash) for meta, info_hash in torrents]
            print("%s loaded %d torrents in %.1f s" % (daemon.name, len(torrents),
                                                       time.monotonic() - started), flush=True)
        for daemon in daemons:
            wait_until("%s listing every torrent" % daemon.name,
                       lambda d=daemon: len(d.list_all()) == args.torrents, timeout=600)

        results = {d.name: {"list": [], "detail": []} for d in daemons}
        rng = random.Random(7)
        for round_number in range(1, args.rounds + 1):
            for daemon in daemons:
                started = time.monotonic()
                listed = daemon.list_all()
                elapsed = time.monotonic() - started
                if len(listed) != args.torrents or len(set(listed)) != args.torrents:
                    sys.exit("bench: %s listed %d torrents, %d distinct" %
                             (daemon.name, len(listed), len(set(listed))))
                results[daemon.name]["list"].append(elapsed)
                for key in rng.sample(keys[daemon.name], args.details):
                    started = time.monotonic()
                    daemon.detail(key)
                    results[daemon.name]["detail"].append(time.monotonic() - started)
                print("round %d %s list_s=%.3f" % (round_number, daemon.name, elapsed),
                      flush=True)

        figures = {}
        for daemon in (daemons if args.rounds > 0 else []):
            r = results[daemon.name]
            figures[daemon.name] = {
                "list_s": statistics.median(r["list"]),
                "detail_median_ms": statistics.median(r["detail"]) * 1000,
                "detail_p99_ms": percentile(r["detail"], 0.99) * 1000,
                "rss_mib": rss_mib(daemon.pid()),
            }
            f = figures[daemon.name]
            print("%s torrents=%d list_s=%.3f detail_median_ms=%.2f detail_p99_ms=%.2f "
                  "rss_mib=%.1f" % (daemon.name, args.torrents, f["list_s"],
                                    f["detail_median_ms"], f["detail_p99_ms"], f["rss_mib"]))
        if figures and "transmission-daemon" in figures:
            ours, qbt = figures["revaerd"], figures["qbittorrent-nox"]
            tr = figures["transmission-daemon"]
            print("ratios vs qbittorrent-nox: list=%.3f detail_median=%.2f rss=%.2f; "
                  "vs transmission-daemon: list=%.2f rss=%.2f" % (
                      ours["list_s"] / qbt["list_s"],
                      ours["detail_median_ms"] / qbt["detail_median_ms"],
                      ours["rss_mib"] / qbt["rss_mib"], ours["list_s"] / tr["list_s"],
                      ours["rss_mib"] / tr["rss_mib"]))

        restarts = {d.name: [] for d in daemons}
        for round_number in range(1, args.restart_rounds + 1):
            for daemon in daemons:
                answered, listed = measure_restart(daemon, args.torrents, args.restart_poll)
                restarts[daemon.name].append(listed)
                print("round %d %s restart api_s=%.2f all_listed_s=%.2f" % (
                    round_number, daemon.name, answered, listed), flush=True)
        medians = {name: statistics.median(times) for name, times in restarts.items()}
        print("restart poll_s=%.3f median all_listed_s: %s" % (
            args.restart_poll,
            " ".join("%s=%.2f" % item for item in medians.items())))
        print("restart ratio vs " + "; vs ".join(
            "%s: %.2f" % (name, medians["revaerd"] / median)
            for name, median in medians.items() if name != "revaerd"))
    finally:
        for daemon in daemons:
            daemon.proc.send_signal(signal.SIGTERM)
        for daemon in daemons:
            try:
                daemon.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                daemon.proc.kill()
                daemon.proc.wait()
        if sys.exc_info()[0] is not None:
            # The daemons' own logs go with the folder, so show their ends.
            for log in ("qbt.log", "revaerd.log", "tr.log"):
                path = os.path.join(work, log)
                if os.path.exists(path):
                    with open(path, errors="replace") as f:
                        print("bench: last lines of %s:\n%s" % (log, "".join(f.readlines()[-20:])),
                              file=sys.stderr)
        subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    main()
