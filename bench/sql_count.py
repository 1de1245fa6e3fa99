#!/usr/bin/env python3
"""SQL statements per request, route by route: which routes do many statements, prepare statements anew
(no statement cache), or sync the disk. Not a speed figure; it says where a slow route's time goes.

    python3 bench/sql_count.py --handoff .build/release/handoff [--requests 20] [--statements 5]

Starts the mock on 127.0.0.1 (port picked by the kernel) with a temp FILE database, attaches gdb to it with
counting breakpoints (they never stop the process) on sqlite3_step, sqlite3_prepare_v3 (GRDB's cached
statements are prepared once, so a count per request means an uncached statement), fsync and fdatasync,
and sends each route N times, one request at a time, after a pause; every breakpoint hit carries a
timestamp, so hits are split by route. Background tasks of the idle mock do some SQL: their rate over 3 s
without requests is subtracted. Each row: statements stepped, prepared and disk syncs per request.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--handoff", default=os.environ.get("HANDOFF_BIN", ".build/release/handoff"))
parser.add_argument("--requests", type=int, default=20)
parser.add_argument("--statements", type=int, default=0, help="show the N statements prepared most per route")
args = parser.parse_args()
if not shutil.which("gdb"):
    sys.exit("sql_count.py: gdb is needed (apt-get install gdb)")

work = tempfile.mkdtemp()
log = open(os.path.join(work, "mock.log"), "w+")
mock = subprocess.Popen([args.handoff, "mock", "--port", "0", "--db", os.path.join(work, "db.sqlite")],
                        stdout=log, stderr=subprocess.STDOUT)
gdb = None
try:
    url = None
    for _ in range(400):
        log.seek(0)
        m = re.search(r"^listening on http://127\.0\.0\.1:(\d+)", log.read(), re.M)
        if m:
            url = int(m.group(1))
            break
        time.sleep(0.025)
    if not url:
        sys.exit("sql_count.py: the mock did not start")
    log.seek(0)
    text = log.read()
    account = re.search(r"chatwoot: account (\d+)", text).group(1)
    inbox = re.search(r", inbox (\d+)", text).group(1)
    connection = http.client.HTTPConnection("127.0.0.1", url)

    def call(method, path, body=None, token="dev-token", chatwoot=False):
        headers = {"api_access_token": token} if chatwoot else {"Authorization": f"Bearer {token}"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status >= 300:
            raise SystemExit(f"sql_count.py: {method} {path} → {response.status} {payload[:200]!r}")
        return json.loads(payload) if payload else None

    cw = f"/api/v1/accounts/{account}"
    n = args.requests
    counter = iter(range(10**9))
    # Objects the routes need: n conversations per once-only step on each face.
    user = call("POST", "/v1/users", {"externalId": "sql-count"})["id"]
    neutral = [call("POST", "/v1/conversations", {"userId": user})["id"] for _ in range(n)]
    contact = call("POST", f"{cw}/contacts", {"name": "sql", "identifier": "sql-count-contact", "inbox_id": int(inbox)},
                   chatwoot=True)["payload"]["contact"]["id"]
    chatwoot = [call("POST", f"{cw}/conversations", {"inbox_id": int(inbox), "contact_id": contact}, token="bot-token",
                     chatwoot=True)["id"] for _ in range(n)]
    team = next(t["id"] for t in call("GET", f"{cw}/teams", chatwoot=True) if t["name"].lower() == "billing")

    def each(ids, make):
        return [lambda i=i: make(i) for i in ids]

    def many(make):
        return [lambda: make(next(counter)) for _ in range(n)]

    routes = [
        ("neutral", "POST /v1/users", many(lambda k: call("POST", "/v1/users", {"externalId": f"u{k}"}))),
        ("neutral", "POST /v1/conversations", many(lambda k: call("POST", "/v1/conversations", {"userId": user}))),
        ("neutral", "POST …/messages (user)", many(lambda k: call("POST", f"/v1/conversations/{neutral[0]}/messages",
                                                                 {"author": "user", "text": "t", "clientMessageId": f"m{k}"}))),
        ("neutral", "POST …/messages (bot)", many(lambda k: call("POST", f"/v1/conversations/{neutral[0]}/messages",
                                                                {"author": "bot", "text": "t", "clientMessageId": f"m{k}"}))),
        ("neutral", "GET …/messages", many(lambda k: call("GET", f"/v1/conversations/{neutral[0]}/messages"))),
        ("neutral", "GET /v1/teams", many(lambda k: call("GET", "/v1/teams"))),
        ("neutral", "POST …/transfer", each(neutral, lambda c: call("POST", f"/v1/conversations/{c}/transfer",
                                                                     {"teamName": "Billing"}))),
        ("neutral", "POST /mock/v1/…/accept", each(neutral, lambda c: call("POST", f"/mock/v1/conversations/{c}/accept", {}))),
        ("neutral", "POST /mock/v1/…/reply", many(lambda k: call("POST", f"/mock/v1/conversations/{neutral[0]}/reply",
                                                                 {"text": f"r{k}"}))),
        ("neutral", "POST /mock/v1/…/resolve", each(neutral, lambda c: call("POST", f"/mock/v1/conversations/{c}/resolve"))),
        ("neutral", "POST …/close", each(neutral, lambda c: call("POST", f"/v1/conversations/{c}/close"))),
        ("chatwoot", "POST contacts", many(lambda k: call("POST", f"{cw}/contacts", {"name": f"c{k}", "identifier": f"c{k}",
                                                                                   "inbox_id": int(inbox)}, chatwoot=True))),
        ("chatwoot", "POST conversations", many(lambda k: call("POST", f"{cw}/conversations", {"inbox_id": int(inbox),
                                                                                              "contact_id": contact},
                                                               token="bot-token", chatwoot=True))),
        ("chatwoot", "POST …/messages (incoming)", many(lambda k: call("POST", f"{cw}/conversations/{chatwoot[0]}/messages",
                                                                      {"content": f"i{k}", "message_type": "incoming"},
                                                                      token="bot-token", chatwoot=True))),
        ("chatwoot", "POST …/messages (outgoing)", many(lambda k: call("POST", f"{cw}/conversations/{chatwoot[0]}/messages",
                                                                      {"content": f"o{k}", "message_type": "outgoing"},
                                                                      token="bot-token", chatwoot=True))),
        ("chatwoot", "GET …/messages", many(lambda k: call("GET", f"{cw}/conversations/{chatwoot[0]}/messages", chatwoot=True))),
        ("chatwoot", "GET teams", many(lambda k: call("GET", f"{cw}/teams", chatwoot=True))),
        ("chatwoot", "POST …/assignments (team_id)", each(chatwoot, lambda c: call(
            "POST", f"{cw}/conversations/{c}/assignments", {"team_id": team}, token="bot-token", chatwoot=True))),
        ("chatwoot", "POST …/toggle_status open (handoff)", each(chatwoot, lambda c: call(
            "POST", f"{cw}/conversations/{c}/toggle_status", {"status": "open"}, token="bot-token", chatwoot=True))),
        ("chatwoot", "POST …/messages (agent reply)", many(lambda k: call(
            "POST", f"{cw}/conversations/{chatwoot[0]}/messages", {"content": f"a{k}", "message_type": "outgoing"},
            token="agent-token", chatwoot=True))),
        ("chatwoot", "POST …/toggle_status resolved", each(chatwoot, lambda c: call(
            "POST", f"{cw}/conversations/{c}/toggle_status", {"status": "resolved"}, token="agent-token", chatwoot=True))),
    ]
    # Warm every route once is not possible for the once-only ones; the first request of a route may
    # prepare statements that later ones reuse, so the per-request figure is over N requests.

    hits = os.path.join(work, "hits.txt")
    script = os.path.join(work, "count.py")
    with open(script, "w") as f:
        f.write(f"""
import gdb, time
out = open({hits!r}, "w", buffering=1)
class Count(gdb.Breakpoint):
    def stop(self):
        sql = ""
        if self.location == "sqlite3_prepare_v3":
            try:
                sql = " " + gdb.parse_and_eval("(const char *)$rsi").string(errors="replace")[:160].replace("\\n", " ")
                sql = " ".join(sql.split())
            except Exception:
                sql = " ?"
        out.write("%s %.6f%s\\n" % (self.location, time.time(), (" " + sql) if sql else ""))
        return False
for name in ("sqlite3_step", "sqlite3_prepare_v3", "fsync", "fdatasync"):
    Count(name)
gdb.execute("handle SIGINT stop nopass")
gdb.execute("handle SIGPIPE nostop noprint pass")
out.write("ready %.6f\\n" % time.time())
gdb.execute("continue")
""")
    gdb = subprocess.Popen(["gdb", "-q", "-p", str(mock.pid), "-batch", "-ex", "set pagination off", "-x", script,
                            "-ex", "detach", "-ex", "quit"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        if os.path.exists(hits) and open(hits).read().startswith("ready"):
            break
        time.sleep(0.05)
    else:
        sys.exit("sql_count.py: gdb did not attach")
    time.sleep(1.0)
    windows = []
    idle_start = time.time()
    time.sleep(3.0)
    windows.append(("-", "idle, per second (subtracted below)", idle_start, time.time() - 0.25, 1))
    for face, name, calls in routes:
        time.sleep(0.3)
        start = time.time()
        for c in calls:
            c()
        time.sleep(0.3)
        windows.append((face, name, start, time.time() - 0.3, len(calls)))
    gdb.send_signal(signal.SIGINT)
    gdb.wait(timeout=60)
    events = []
    statements = []
    for line in open(hits):
        parts = line.rstrip("\n").split(" ", 2)
        if parts[0] != "ready":
            events.append((parts[0], float(parts[1])))
            if len(parts) > 2:
                statements.append((float(parts[1]), parts[2]))
    def hits_in(kind, start, end):
        return sum(1 for k, t in events if k == kind and start <= t <= end)

    _, _, idle_start, idle_end, _ = windows[0]
    idle = {kind: hits_in(kind, idle_start, idle_end + 0.25) / (idle_end + 0.25 - idle_start)
            for kind in ("sqlite3_step", "sqlite3_prepare_v3", "fsync", "fdatasync")}
    print(f"{'face':9} {'route':38} {'steps/req':>9} {'prepares/req':>12} {'syncs/req':>9}")
    for number, (face, name, start, end, count) in enumerate(windows):
        def per(kind):
            if number == 0:
                return idle[kind]
            return max(0.0, hits_in(kind, start, end + 0.25) - idle[kind] * (end + 0.25 - start)) / count
        syncs = per("fsync") + per("fdatasync")
        print(f"{face:9} {name:38} {per('sqlite3_step'):9.1f} {per('sqlite3_prepare_v3'):12.1f} {syncs:9.2f}")
        if args.statements and number > 0:
            counts = {}
            for t, sql in statements:
                if start <= t <= end + 0.25:
                    counts[sql] = counts.get(sql, 0) + 1
            for sql, k in sorted(counts.items(), key=lambda item: -item[1])[:args.statements]:
                print(f"{'':9} {k / count:5.1f} × prepare: {sql}")
finally:
    if gdb and gdb.poll() is None:
        gdb.kill()
    mock.send_signal(signal.SIGTERM)
    try:
        mock.wait(timeout=10)
    except subprocess.TimeoutExpired:
        mock.kill()
    shutil.rmtree(work, ignore_errors=True)
