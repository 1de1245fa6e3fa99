"""Start `handoff mock` on a free loopback port and talk to it (standard library only)."""
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque

from ._binary import binary_path


class MockError(RuntimeError):
    """The mock did not start, or answered a helper's call with an unexpected status."""

    def __init__(self, message, status=None, body=None):
        super().__init__(message)
        self.status = status
        self.body = body


_LISTENING = re.compile(r"^listening on (http://\S+)")
_TOKEN = re.compile(r"^token (\S+) \(workspace ([^)]*)\)")
_CHATWOOT = re.compile(r"^chatwoot: account (\d+), inbox (\d+)")
_CW_ADMIN = re.compile(r"(\S+) \(administrator\)")
_CW_BOT = re.compile(r"(\S+) \(agent bot of")
_CW_AGENT = re.compile(r"(\S+) \(agent (?!bot of)")


class HandoffMock:
    """A running `handoff mock`: its URL, tokens, Chatwoot ids, and helpers to play the agent.

    Attributes: url, token (the first workspace's admin token), tokens ({token: workspace}),
    bot_token, agent_token, chatwoot_token (Chatwoot administrator), account_id, inbox_id,
    db (the SQLite file, or None in memory), startup_lines, process.
    """

    def __init__(self, *, db=None, seed=None, args=(), binary=None, start_timeout=15.0):
        self.db = str(db) if db else None
        self.seed = str(seed) if seed else None
        self.binary = binary or binary_path()
        argv = [self.binary, "mock", "--port", "0"]
        argv += ["--db", self.db] if self.db else ["--in-memory"]
        if self.seed:
            argv += ["--seed", self.seed]
        argv += list(args)
        self.argv = argv
        self.url = None
        self.token = None
        self.tokens = {}
        self.bot_token = None
        self.agent_token = None
        self.chatwoot_token = None
        self.account_id = None
        self.inbox_id = None
        self.startup_lines = []
        self.output = deque(maxlen=200)
        self._ready = threading.Event()
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, bufsize=1, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._ready.wait(start_timeout) or self.url is None:
            self.stop()
            tail = "\n".join(self.output)
            raise MockError(f"handoff mock did not start ({' '.join(argv)}); exit {self.process.returncode}:\n{tail}")

    # -- process ---------------------------------------------------------------------------------

    def _read(self):
        for raw in self.process.stdout:
            line = raw.rstrip("\n")
            self.output.append(line)
            if self._ready.is_set():
                continue
            self.startup_lines.append(line)
            self._parse(line)
            if line.startswith("database:"):
                self._ready.set()
        self._ready.set()  # the process ended (before or after it was ready)

    def _parse(self, line):
        if m := _LISTENING.match(line):
            self.url = m.group(1).rstrip("/")
        elif m := _TOKEN.match(line):
            self.tokens[m.group(1)] = m.group(2)
            self.token = self.token or m.group(1)
        elif m := _CHATWOOT.match(line):
            self.account_id = int(m.group(1))
            self.inbox_id = int(m.group(2))
            if a := _CW_ADMIN.search(line):
                self.chatwoot_token = a.group(1).rstrip(",;")
            if b := _CW_BOT.search(line):
                self.bot_token = b.group(1).rstrip(",;")
            if g := _CW_AGENT.search(line):
                self.agent_token = g.group(1).rstrip(",;")

    def stop(self, grace=5.0):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit code."""
        if self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- HTTP --------------------------------------------------------------------------------------

    def request(self, method, path, body=None, *, token=None, chatwoot=False, headers=None, expect=None):
        """One request; returns (status, parsed JSON or text or None). `chatwoot=True` sends the token as
        `api_access_token`, else as a Bearer token. With `expect` (a status or a tuple), another status raises MockError."""
        token = token or (self.chatwoot_token if chatwoot else self.token)
        url = self.url + path
        data = None
        all_headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if token:
            if chatwoot:
                all_headers["api_access_token"] = token
            else:
                all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        text = raw.decode("utf-8", "replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        if expect is not None:
            wanted = expect if isinstance(expect, (tuple, list, set)) else (expect,)
            if status not in wanted:
                raise MockError(f"{method} {path}: expected {'/'.join(map(str, wanted))}, got {status}: {text[:500]}",
                                status, parsed)
        return status, parsed

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def chatwoot(self, method, path, body=None, *, token=None, expect=None):
        """A call on the Chatwoot face: `path` after /api/v1/accounts/{account_id}."""
        return self.request(method, f"/api/v1/accounts/{self.account_id}{path}", body,
                            token=token or self.chatwoot_token, chatwoot=True, expect=expect)

    # -- the agent (control API /mock/v1) -------------------------------------------------------------

    def conversation_id(self, conversation):
        """The neutral id (`cnv_…`) of a conversation given as a neutral id or a Chatwoot conversation id (int)."""
        if isinstance(conversation, dict):
            conversation = conversation.get("id")
        if isinstance(conversation, str) and not conversation.isdigit():
            return conversation
        number = int(conversation)
        status, found = self.get(f"/v1/conversations/cnv_{number}")
        if status == 200 and found.get("number") == number:
            return found["id"]
        cursor = None
        while True:
            query = "?limit=100" + (f"&after={urllib.parse.quote(cursor)}" if cursor else "")
            _, page = self.get("/v1/conversations" + query, expect=200)
            for item in page.get("data", []):
                if item.get("number") == number:
                    return item["id"]
            cursor = page.get("next")
            if not cursor:
                raise MockError(f"no conversation with Chatwoot id {number}")

    def accept(self, conversation, agent_id=None, *, token=None):
        """An agent accepts (queued or assigned → assigned). Returns the conversation (neutral shape)."""
        body = {"agentId": agent_id} if agent_id else None
        cid = self.conversation_id(conversation)
        return self.post(f"/mock/v1/conversations/{cid}/accept", body, token=token, expect=200)[1]

    def reply(self, conversation, text, *, token=None):
        """The agent's public reply. Returns the message."""
        cid = self.conversation_id(conversation)
        return self.post(f"/mock/v1/conversations/{cid}/reply", {"text": text}, token=token, expect=201)[1]

    def note(self, conversation, text, *, token=None):
        """An internal note. Returns the message."""
        cid = self.conversation_id(conversation)
        return self.post(f"/mock/v1/conversations/{cid}/note", {"text": text}, token=token, expect=201)[1]

    def resolve(self, conversation, *, token=None):
        """The agent is done (→ resolved). Returns the conversation."""
        cid = self.conversation_id(conversation)
        return self.post(f"/mock/v1/conversations/{cid}/resolve", token=token, expect=200)[1]

    def agents(self):
        return self.get("/mock/v1/agents", expect=200)[1]["data"]

    def set_team_available(self, team_id, available):
        return self.request("PUT", f"/mock/v1/teams/{team_id}/availability", {"available": available}, expect=200)[1]

    # -- the journal -------------------------------------------------------------------------------------

    def journal(self, **filters):
        """Every journal entry matching the filters (face, kind, method, path, status, conversationId, since),
        oldest first, following `next` until the end."""
        entries = []
        since = filters.pop("since", None)
        while True:
            query = {k: v for k, v in filters.items() if v is not None}
            query["limit"] = 1000
            if since is not None:
                query["since"] = since
            _, page = self.get("/mock/v1/journal?" + urllib.parse.urlencode(query), expect=200)
            batch = page.get("data") or page.get("entries") or []
            entries += batch
            following = page.get("next")
            if not batch or following is None or str(following) == str(since):
                return entries
            since = following

    def clear_journal(self):
        self.request("DELETE", "/mock/v1/journal", expect=204)

    def verify(self, *, rules=None, drive=None, token=None, check=True, args=(), timeout=300):
        """`handoff verify --target <this mock>` (see handoffkit.verify)."""
        from ._suite import verify
        return verify(self.url, rules=rules, drive=drive, token=token or self.token, check=check, args=args,
                      binary=self.binary, timeout=timeout)

    def conform(self, *, binding="neutral", check=True, args=(), timeout=600):
        """`handoff conform` against this mock, on its neutral or its Chatwoot face."""
        from ._suite import conform
        if binding == "chatwoot":
            return conform(self.url, binding="chatwoot", token=self.chatwoot_token, account_id=self.account_id,
                           inbox_id=self.inbox_id, bot_token=self.bot_token, agent_token=self.agent_token,
                           check=check, args=args, binary=self.binary, timeout=timeout)
        return conform(self.url, binding=binding, token=self.token, check=check, args=args, binary=self.binary,
                       timeout=timeout)

    def __repr__(self):
        return f"<HandoffMock {self.url} account={self.account_id} inbox={self.inbox_id}>"


def start_mock(**kw):
    """Start a mock (same arguments as HandoffMock); use it as a context manager to stop it."""
    return HandoffMock(**kw)
