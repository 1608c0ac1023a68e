#!/usr/bin/env python3
"""Download time and memory of one large torrent: revaerd against
qbittorrent-nox, from the same libtorrent seeder on loopback.

Generates a payload of random bytes, makes a .torrent with mktorrent,
whitelists it in an opentracker and seeds it with lt_seeder. Each round
downloads it once with a fresh revaerd and once with a fresh
qbittorrent-nox (alternating, fresh save folders), times add to complete,
reads the daemon's peak resident memory (VmHWM) and CPU time and the
seeder's CPU time during the run, and checks the SHA-1 of the downloaded
file. Each round also runs lt_leecher, a bare libtorrent client with
default settings and revaerd's disk backend, to show what revaerd adds
on top of libtorrent. One untimed lt_leecher download warms the seeder
up first. Prints the medians, the ratios and, as the floor, the time to cp
the file and to hash it with openssl. Started by bench/engine/run.sh.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(what, check, timeout=120, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            pass
        time.sleep(interval)
    sys.exit("bench: %s did not happen within %d s" % (what, timeout))


def peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def cpu_seconds(pid):
    """User plus system CPU time of a running process, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sha1_of(path):
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_revaerd(binary, work, metainfo, payload_name, expected_sha1):
    data = os.path.join(work, "revaer-data")
    downloads = os.path.join(work, "revaer-downloads")
    proc = subprocess.Popen([binary, "--data-dir", data, "--listen", "127.0.0.1:0",
                             "--log-level", "warn"], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "revaerd.log"), "a"))
    try:
        addr = os.path.join(data, "listen.addr")
        wait_until("revaerd start", lambda: os.path.getsize(addr) > 0)
        port = int(open(addr).read().strip().rsplit(":", 1)[1])
        _, body = request(port, "POST", "/admin/setup/start", b"{}",
                          {"content-type": "application/json"})
        token = json.loads(body)["token"]
        changeset = {"engine_profile": {
            "listen_interfaces": ["127.0.0.1"], "listen_port": 0,
            "enable_outgoing_utp": False, "enable_incoming_utp": False,
            "download_root": downloads}}
        status, body = request(port, "POST", "/admin/setup/complete",
                               json.dumps(changeset).encode(),
                               {"content-type": "application/json",
                                "x-revaer-setup-token": token})
        if status != 200:
            sys.exit("bench: revaerd setup failed: %d %s" % (status, body[:300]))
        headers = {"x-revaer-api-key": json.loads(body)["api_key"],
                   "content-type": "application/json"}
        wait_until("the revaerd engine", lambda: request(
            port, "GET", "/v1/torrents?limit=1", None, headers)[0] == 200)

        started = time.monotonic()
        status, body = request(port, "POST", "/v1/torrents", json.dumps(
            {"metainfo": base64.b64encode(metainfo).decode()}).encode(), headers)
        if status != 202:
            sys.exit("bench: revaerd add failed: %d %s" % (status, body[:300]))
        torrent = json.loads(body)["id"]

        def finished():
            _, detail = request(port, "GET", "/v1/torrents/" + torrent, None, headers)
            state = json.loads(detail)["state"]["kind"]
            if state == "failed":
                sys.exit("bench: revaerd failed the torrent: %s" % detail[:300])
            return state in ("seeding", "completed")

        wait_until("the revaerd download", finished, timeout=900, interval=0.05)
        elapsed = time.monotonic() - started
        peak = peak_rss_mib(proc.pid)
        cpu = cpu_seconds(proc.pid)
    finally:
        stop(proc)
    downloaded = os.path.join(downloads, payload_name)
    if sha1_of(downloaded) != expected_sha1:
        sys.exit("bench: revaerd downloaded different bytes")
    return elapsed, peak, cpu


def run_qbittorrent(work, metainfo, payload_name, expected_sha1):
    profile = os.path.join(work, "qbt")
    downloads = os.path.join(work, "qbt-downloads")
    os.makedirs(os.path.join(profile, "qBittorrent", "config"))
    web, peer = free_port(), free_port()
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
            "Session\\DefaultSavePath=%s" % downloads, ""]))
    proc = subprocess.Popen(["qbittorrent-nox", "--profile=" + profile],
                            stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "qbt.log"), "a"))
    info_hash = None
    try:
        wait_until("qbittorrent-nox start",
                   lambda: request(web, "GET", "/api/v2/app/webapiVersion")[0] == 200)
        boundary = uuid.uuid4().hex.encode()
        body = b"".join([
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="torrents"; filename="b.torrent"\r\n',
            b"Content-Type: application/x-bittorrent\r\n\r\n", metainfo, b"\r\n",
            b"--" + boundary + b"--\r\n"])
        started = time.monotonic()
        status, text = request(web, "POST", "/api/v2/torrents/add", body,
                               {"content-type": "multipart/form-data; boundary=" +
                                boundary.decode()})
        if status != 200 or text.strip() != b"Ok.":
            sys.exit("bench: qbittorrent-nox add failed: %d %s" % (status, text[:200]))

        def finished():
            _, listing = request(web, "GET", "/api/v2/torrents/info")
            torrents = json.loads(listing)
            return bool(torrents) and torrents[0]["progress"] >= 1.0

        wait_until("the qbittorrent-nox download", finished, timeout=900, interval=0.05)
        elapsed = time.monotonic() - started
        peak = peak_rss_mib(proc.pid)
        cpu = cpu_seconds(proc.pid)
    finally:
        stop(proc)
    downloaded = os.path.join(downloads, payload_name)
    if sha1_of(downloaded) != expected_sha1:
        sys.exit("bench: qbittorrent-nox downloaded different bytes")
    return elapsed, peak, cpu


def run_bare_libtorrent(binary, work, torrent_path, payload_name, expected_sha1, disk_io):
    downloads = os.path.join(work, "lt-downloads")
    os.makedirs(downloads)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([binary, torrent_path, downloads, disk_io], check=True,
                            stdout=subprocess.PIPE, text=True, timeout=960)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = float(result.stdout.strip())
    if sha1_of(os.path.join(downloads, payload_name)) != expected_sha1:
        sys.exit("bench: lt_leecher downloaded different bytes")
    # Includes the session's shutdown, unlike the daemons' figures. The
    # peak memory of children is a maximum over all of them, so none is
    # reported.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, float("nan"), cpu


def write_payload(path, size_mib):
    block = 1 << 20
    with open(path, "wb") as f:
        for _ in range(size_mib):
            f.write(os.urandom(block))


def timed(command):
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--revaerd", required=True)
    parser.add_argument("--seeder", required=True)
    parser.add_argument("--leecher", required=True)
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="revaer-download-bench-")
    procs = []
    try:
        seed_dir = os.path.join(work, "seed")
        os.makedirs(seed_dir)
        payload_name = "payload.bin"
        payload = os.path.join(seed_dir, payload_name)
        write_payload(payload, args.size_mib)
        expected_sha1 = sha1_of(payload)

        tracker_dir = os.path.join(work, "tracker")
        os.makedirs(tracker_dir)
        os.chmod(tracker_dir, 0o755)
        tracker_port = free_port()
        announce = "http://127.0.0.1:%d/announce" % tracker_port
        torrent_path = os.path.join(work, "payload.torrent")
        subprocess.run(["mktorrent", "-l", "22", "-a", announce, "-o", torrent_path, payload],
                       check=True, stdout=subprocess.DEVNULL)
        metainfo = open(torrent_path, "rb").read()
        info_start = metainfo.index(b"4:info") + len(b"4:info")
        info_hash = hashlib.sha1(metainfo[info_start:-1]).hexdigest()

        with open(os.path.join(tracker_dir, "whitelist"), "w") as f:
            f.write(info_hash + "\n")
        with open(os.path.join(tracker_dir, "opentracker.conf"), "w") as f:
            f.write("listen.tcp_udp 127.0.0.1:%d\ntracker.rootdir %s\n"
                    "access.whitelist whitelist\n" % (tracker_port, tracker_dir))
        for name in ("whitelist", "opentracker.conf"):
            os.chmod(os.path.join(tracker_dir, name), 0o644)
        procs.append(subprocess.Popen(
            ["opentracker", "-f", os.path.join(tracker_dir, "opentracker.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        seeder = subprocess.Popen([args.seeder, torrent_path, seed_dir, str(free_port())],
                                  stdout=subprocess.PIPE, text=True)
        procs.append(seeder)
        if seeder.stdout.readline().strip() != "seeding":
            sys.exit("bench: lt_seeder did not start")
        time.sleep(2)  # its first announce

        cp_target = os.path.join(work, "cp-copy.bin")
        cp_s = timed(["cp", payload, cp_target])
        os.remove(cp_target)
        sha1_s = timed(["openssl", "dgst", "-sha1", payload])

        # lt_leecher uses the disk backend that revaerd uses.
        disk_io = os.environ.get("REVAER_DISK_IO", "posix")

        # The seeder's first download costs it about 2 s more CPU time than
        # later ones, which would land in revaerd's first round.
        warm_up_dir = os.path.join(work, "warm-up")
        os.makedirs(warm_up_dir)
        warm_up = run_bare_libtorrent(args.leecher, warm_up_dir, torrent_path, payload_name,
                                      expected_sha1, disk_io)
        shutil.rmtree(warm_up_dir)
        print("warm-up lt_leecher download_s=%.2f (not counted)" % warm_up[0], flush=True)

        ours, theirs, bare = [], [], []
        for round_number in range(1, args.rounds + 1):
            for name in ("revaerd", "qbittorrent-nox", "lt_leecher"):
                run_dir = os.path.join(work, "run")
                os.makedirs(run_dir)
                seeder_cpu_before = cpu_seconds(seeder.pid)
                if name == "revaerd":
                    result = run_revaerd(args.revaerd, run_dir, metainfo, payload_name,
                                         expected_sha1)
                    ours.append(result)
                elif name == "qbittorrent-nox":
                    result = run_qbittorrent(run_dir, metainfo, payload_name, expected_sha1)
                    theirs.append(result)
                else:
                    result = run_bare_libtorrent(args.leecher, run_dir, torrent_path,
                                                 payload_name, expected_sha1, disk_io)
                    bare.append(result)
                seeder_cpu = cpu_seconds(seeder.pid) - seeder_cpu_before
                shutil.rmtree(run_dir)
                print("round %d %s download_s=%.2f peak_rss_mib=%.0f cpu_s=%.2f "
                      "seeder_cpu_s=%.2f" % (round_number, name, result[0], result[1],
                                              result[2], seeder_cpu), flush=True)

        our_s = statistics.median(r[0] for r in ours)
        their_s = statistics.median(r[0] for r in theirs)
        bare_s = statistics.median(r[0] for r in bare)
        print("size_mib=%d disk_io=%s revaerd_s=%.2f qbittorrent_s=%.2f ratio=%.2f "
              "lt_leecher_s=%.2f revaerd_to_lt_leecher=%.2f "
              "revaerd_peak_rss_mib=%.0f qbittorrent_peak_rss_mib=%.0f "
              "revaerd_cpu_s=%.2f qbittorrent_cpu_s=%.2f lt_leecher_cpu_s=%.2f "
              "cp_s=%.2f sha1_s=%.2f" %
              (args.size_mib, disk_io, our_s, their_s, our_s / their_s, bare_s, our_s / bare_s,
               statistics.median(r[1] for r in ours), statistics.median(r[1] for r in theirs),
               statistics.median(r[2] for r in ours), statistics.median(r[2] for r in theirs),
               statistics.median(r[2] for r in bare), cp_s, sha1_s))
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
