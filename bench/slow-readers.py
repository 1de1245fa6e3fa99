#!/usr/bin/env python3
"""Clients that pipeline requests and never read the answers, beside one client that does: does the mock's
memory stay bounded, and do the others keep their latency? Prints figures; a benchmark, not a test.

    python3 bench/slow-readers.py [--handoff .build/release/handoff] [--clients 300] [--requests 10000]

Starts `handoff mock --port 0 --in-memory` on loopback, opens CLIENTS connections that each send REQUESTS
pipelined `GET /v1/teams` without reading, probes `GET /v1/teams` from a normal client meanwhile, and prints the
mock's RSS before, at its peak and after the slow clients left, with the probe's p50/p99.
"""
import argparse
import re
import socket
import subprocess
import threading
import time
import urllib.request


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handoff", default=".build/release/handoff")
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20, help="how long the slow clients hold their connections")
    parser.add_argument("--settle", type=float, default=2,
                        help="seconds after the slow clients left before the last RSS reading (the mock gives freed "
                             "memory back to the system every 10 s)")
    args = parser.parse_args()

    mock = subprocess.Popen([args.handoff, "mock", "--port", "0", "--in-memory"], stdout=subprocess.PIPE, text=True)
    url = None
    for line in mock.stdout:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            url = found.group(1)
            break
    port = int(url.rsplit(":", 1)[1])
    threading.Thread(target=lambda: [None for _ in mock.stdout], daemon=True).start()
    time.sleep(0.5)
    before = rss_mb(mock.pid)

    request = b"GET /v1/teams HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-token\r\n\r\n"
    sockets = []
    stop = threading.Event()

    def slow_client():
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(args.seconds)
        sockets.append(s)
        try:
            s.sendall(request * args.requests)  # blocks once the mock stops reading: that is the point
        except OSError:
            pass
        stop.wait(args.seconds)

    threads = [threading.Thread(target=slow_client, daemon=True) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    latencies = []
    failures = 0
    peak = before
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        started = time.perf_counter()
        probe = urllib.request.Request(url + "/v1/teams", headers={"Authorization": "Bearer dev-token"})
        try:
            with urllib.request.urlopen(probe, timeout=10) as answer:
                answer.read()
        except OSError:
            failures += 1
        latencies.append((time.perf_counter() - started) * 1000)
        peak = max(peak, rss_mb(mock.pid))
        time.sleep(0.05)
    stop.set()
    for s in sockets:
        s.close()
    time.sleep(args.settle)
    after = rss_mb(mock.pid)
    mock.terminate()
    mock.wait(timeout=10)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"slow readers: {args.clients} clients x {args.requests} pipelined requests, never read, {args.seconds:.0f} s")
    print(f"RSS before {before:.0f} MB, peak {peak:.0f} MB, {args.settle:.0f} s after they left {after:.0f} MB")
    print(f"a normal client meanwhile: {len(latencies)} requests, {failures} without an answer in 10 s, "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
