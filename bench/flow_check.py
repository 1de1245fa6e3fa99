#!/usr/bin/env python3
"""After bench/flow.lua: is every acknowledged write in the database?

    bench/flow_check.py DB ACKED [--workspace default]

ACKED holds one line per write the mock answered 2xx to ("kind id [conversation]"). A write is lost when
the database does not show it (read with Python's sqlite3 module, read-only, after the run):
  contact N       a users row N
  conversation N  a conversation with number N
  message M N     message row M, in conversation number N
  team N          conversation N has a team
  handoff N       conversation N left the bot (queued, assigned, resolved or closed)
  accept N        conversation N has an assignee and is assigned, resolved or closed
  resolve N       conversation N is resolved or closed
  close N         conversation N is closed
A later write that was sent but not answered when the run stopped may have moved a conversation further;
that is allowed, which is why the states are "at least". Prints "lost = N" and per kind counts.
"""
import argparse
import collections
import sqlite3
import sys

parser = argparse.ArgumentParser()
parser.add_argument("db")
parser.add_argument("acked")
parser.add_argument("--workspace", default="default")
args = parser.parse_args()

db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
(workspace,) = db.execute("SELECT id FROM workspaces WHERE name = ?", (args.workspace,)).fetchone()
conversations = {
    number: (cid, state, team, assignee)
    for cid, number, state, team, assignee in db.execute(
        "SELECT id, number, state, team_id, assignee_id FROM conversations WHERE workspace_id = ?", (workspace,))
}
users = {uid for (uid,) in db.execute("SELECT id FROM users WHERE workspace_id = ?", (workspace,))}
messages = dict(db.execute("SELECT id, conversation_id FROM messages"))

after_bot = {"queued", "assigned", "resolved", "closed"}
present = {
    "contact": lambda n, _: int(n) in users,
    "conversation": lambda n, _: int(n) in conversations,
    "message": lambda m, n: int(n) in conversations and messages.get(int(m)) == conversations[int(n)][0],
    "team": lambda n, _: int(n) in conversations and conversations[int(n)][2] is not None,
    "handoff": lambda n, _: int(n) in conversations and conversations[int(n)][1] in after_bot,
    "accept": lambda n, _: int(n) in conversations and conversations[int(n)][3] is not None
    and conversations[int(n)][1] in {"assigned", "resolved", "closed"},
    "resolve": lambda n, _: int(n) in conversations and conversations[int(n)][1] in {"resolved", "closed"},
    "close": lambda n, _: int(n) in conversations and conversations[int(n)][1] == "closed",
}

acked = collections.Counter()
lost = collections.Counter()
examples = []
with open(args.acked) as f:
    for line in f:
        parts = line.split()
        if not parts:
            continue
        kind, first, second = parts[0], parts[1], parts[2] if len(parts) > 2 else None
        acked[kind] += 1
        if not present[kind](first, second):
            lost[kind] += 1
            if len(examples) < 5:
                examples.append(line.strip())

summary = ", ".join(f"{kind} {acked[kind]}" + (f" (lost {lost[kind]})" if lost[kind] else "") for kind in sorted(acked))
print(f"acknowledged writes: {sum(acked.values())} ({summary})")
for example in examples:
    print(f"  not in the database: {example}")
print(f"lost = {sum(lost.values())}")
sys.exit(0)
