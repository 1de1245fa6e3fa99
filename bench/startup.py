#!/usr/bin/env python3
"""Start-up to the first 2xx: start a server N times, poll a GET until it answers 2xx, print the median.

    bench/startup.py --runs 15 --path /v1/teams --header 'Authorization: Bearer dev-token' -- \
        .build/release/handoff mock --port {port} --in-memory

`{port}` in the command is replaced by a free loopback port for each run. Polls every 0.5 ms.
"""
import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def once(command, path, headers):
    port = free_port()
    argv = [part.replace("{port}", str(port)) for part in command]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 10:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if 200 <= response.status < 300:
                    return (time.perf_counter() - started) * 1000
            except OSError:
                pass
            time.sleep(0.0005)
        raise SystemExit(f"no 2xx from {' '.join(argv)} within 10 s")
    finally:
        process.kill()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--path", default="/")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--name", default="server")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    headers = dict(h.split(": ", 1) for h in args.header)
    once(command, args.path, headers)  # warm the page cache; not counted
    times = sorted(once(command, args.path, headers) for _ in range(args.runs))
    print(f"{args.name}: start-up to first 2xx over {args.runs} runs: median {statistics.median(times):.1f} ms "
          f"(min {times[0]:.1f}, max {times[-1]:.1f})")


if __name__ == "__main__":
    sys.exit(main())
