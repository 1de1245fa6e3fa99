#!/usr/bin/env python3
"""The side load of bench/soak.sh: slow readers and hanging webhook receivers, held until SIGTERM.

    python3 bench/soak_side.py URL [--slow 50] [--hooks 20] [--chatwoot-hooks 5] [--account 1] [--token dev-token]

URL is the mock (http://127.0.0.1:PORT; loopback only). It
  * opens HOOKS loopback listeners (127.0.0.1, port picked by the kernel) that accept connections and never
    read or answer, and subscribes each with POST /v1/webhooks {"url":"http://127.0.0.1:P/hook","secret":"s"};
    the first CHATWOOT_HOOKS of them are also subscribed as Chatwoot account webhooks
    (POST /api/v1/accounts/ACCOUNT/webhooks, all conversation and message events);
  * opens SLOW connections that each send pipelined GET /v1/teams and never read an answer (like
    bench/slow-readers.py); one that the mock closes is opened again.
Prints "side: ready ..." once everything is in place, and on SIGTERM one line of counters (connections the
receivers accepted, slow connections reopened).
"""
import argparse
import json
import signal
import socket
import sys
import threading
import time
import urllib.request

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("url")
parser.add_argument("--slow", type=int, default=50)
parser.add_argument("--hooks", type=int, default=20)
parser.add_argument("--chatwoot-hooks", type=int, default=5)
parser.add_argument("--account", default="1")
parser.add_argument("--token", default="dev-token")
parser.add_argument("--requests", type=int, default=10_000, help="pipelined requests per slow connection")
args = parser.parse_args()
if not args.url.startswith("http://127.0.0.1:"):
    sys.exit("soak_side: loopback only (http://127.0.0.1:PORT)")
port = int(args.url.rsplit(":", 1)[1])

stop = threading.Event()
counters = {"accepted": 0, "reopened": 0, "subscribed": 0, "chatwoot_subscribed": 0}
held = []  # every accepted or slow socket stays open until the end
lock = threading.Lock()


def hang(listener):
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with lock:
            counters["accepted"] += 1
            held.append(conn)  # never read, never answered


def post(path, body, headers):
    request = urllib.request.Request(args.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status


events = ["conversation_created", "conversation_status_changed", "conversation_updated", "message_created",
          "contact_created"]
for i in range(args.hooks):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    held.append(listener)
    hook = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    threading.Thread(target=hang, args=(listener,), daemon=True).start()
    post("/v1/webhooks", {"url": hook, "secret": "s"}, {"Authorization": f"Bearer {args.token}"})
    counters["subscribed"] += 1
    if i < args.chatwoot_hooks:
        post(f"/api/v1/accounts/{args.account}/webhooks", {"url": hook + "/cw", "subscriptions": events},
             {"api_access_token": args.token})
        counters["chatwoot_subscribed"] += 1

request = b"GET /v1/teams HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-token\r\n\r\n" * args.requests


def slow_client():
    first = True
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(None)
            with lock:
                held.append(s)
                if not first:
                    counters["reopened"] += 1
            first = False
            while not stop.is_set():
                s.sendall(request)  # blocks once the mock stops reading: that is the point
        except OSError:
            time.sleep(1)  # closed by the mock (or refused): open another after a pause


for _ in range(args.slow):
    threading.Thread(target=slow_client, daemon=True).start()


def finish(*_):
    stop.set()
    print(f"side: end: receivers accepted {counters['accepted']} connections; slow connections reopened "
          f"{counters['reopened']} times", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, finish)
signal.signal(signal.SIGINT, finish)
print(f"side: ready: {args.slow} slow readers, {counters['subscribed']} hanging receivers subscribed on the neutral "
      f"face, {counters['chatwoot_subscribed']} of them also as Chatwoot account webhooks", flush=True)
while True:
    time.sleep(3600)
