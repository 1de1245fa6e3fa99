#!/usr/bin/env python3
"""A tiny bot-side connector that hands one conversation to human support through the HandoffKit
neutral Support API, the way a chatbot platform's connector would. Python 3, standard library only.

It plays one session end to end against `handoff mock`:

  1. subscribes its own webhook receiver (127.0.0.1, any free port) and acknowledges every delivery at once;
  2. creates (or finds) the user, then opens a conversation with the bot's context (intent billing.refund);
  3. mirrors the transcript so far, one message at a time, each with a clientMessageId — and retries one
     post as if its answer had been lost (the same clientMessageId, so the mock stores it once);
  4. picks the team for the intent (billing.* → Billing, as examples/routing.yaml says) and transfers;
  5. stays silent while humans have the conversation (the user may keep talking; that is mirrored);
  6. relays what the agent says, and when the agent resolves, ends the session — and CLOSES the
     conversation on the support side;
  7. when the user comes back, opens a new conversation, with the bot in charge.

Then `handoff verify --target URL` checks all of that from the mock's request journal.

The human side: with --agent control (default) this script also plays the agent through the mock's
control API (accept, reply, resolve); with --agent none it waits for someone else — you on the desk
(http://127.0.0.1:3000/desk) or a scripted agent (persona) on the Billing team.

    python3 examples/connectors/handoff_connector.py --mock http://127.0.0.1:3000 --token dev-token
"""

import argparse
import hashlib
import hmac
import json
import queue
import sys
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Which team takes which intents (the same choice as examples/routing.yaml for these intents).
ROUTES = [("billing.", "Billing"), ("payments.", "Billing"), ("tech.", "Technical Support"), ("app.", "Technical Support")]
FALLBACK_TEAM = "General Support"


def say(line):
    print("connector: " + line, flush=True)


class Mock:
    """JSON over HTTP with the workspace's bearer token."""

    def __init__(self, base, token):
        self.base = base.rstrip("/")
        self.token = token

    def call(self, method, path, body=None, headers=None, ok=(200, 201, 204)):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=35) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        parsed = json.loads(text) if text else None
        if status not in ok:
            raise RuntimeError(f"{method} {path} -> {status}: {text}")
        return status, parsed


class Receiver:
    """The connector's webhook endpoint: checks the signature, queues the event, answers 204 at once."""

    def __init__(self, secret):
        self.secret = secret.encode()
        self.events = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                timestamp = self.headers.get("X-Handoff-Timestamp", "")
                expected = "sha256=" + hmac.new(receiver.secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-Handoff-Signature", "")):
                    self.send_response(401)
                    self.end_headers()
                    return
                # Acknowledge first, work later: the mock waits for this answer.
                self.send_response(204)
                self.end_headers()
                receiver.events.put((self.headers.get("X-Handoff-Delivery"), json.loads(body)))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/handoff-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def pick_team(intent):
    for prefix, team in ROUTES:
        if intent.startswith(prefix):
            return team
    return FALLBACK_TEAM


class Connector:
    def __init__(self, mock, receiver, external_id, timeout):
        self.mock = mock
        self.receiver = receiver
        self.external_id = external_id
        self.timeout = timeout
        self.seen_deliveries = set()
        self.sent = 0

    def ensure_user(self):
        _, user = self.mock.call("POST", "/v1/users", {"externalId": self.external_id, "name": "Ada Lovelace"})
        say(f"user {user['id']} for {self.external_id}")
        return user

    def open_conversation(self, user, contact, context):
        _, conversation = self.mock.call(
            "POST", "/v1/conversations", {"userId": user["id"], "context": context},
            headers={"Idempotency-Key": f"{self.external_id}-contact-{contact}"})
        say(f"conversation {conversation['id']} opened, state {conversation['state']}")
        return conversation

    def mirror(self, conversation, author, text, retry=False):
        self.sent += 1
        body = {"author": author, "text": text, "clientMessageId": f"{conversation['id']}-m{self.sent}"}
        path = f"/v1/conversations/{conversation['id']}/messages"
        _, message = self.mock.call("POST", path, body)
        if retry:  # the answer was "lost": send the same message again, with the same clientMessageId
            status, again = self.mock.call("POST", path, body)
            say(f"retried {message['id']}: {status}, still {again['id']}")
        say(f"mirrored {author}: {text!r} as {message['id']} (seq {message['seq']})")

    def transfer(self, conversation, team):
        _, result = self.mock.call("POST", f"/v1/conversations/{conversation['id']}/transfer", {"teamName": team})
        say(f"transferred to {result['team']['name']} ({result['team']['id']}): {result['outcome']}")

    def wait_for(self, conversation, event_type):
        while True:
            try:
                delivery, event = self.receiver.events.get(timeout=self.timeout)
            except queue.Empty:
                raise RuntimeError(f"no {event_type} event within {self.timeout} s")
            if delivery in self.seen_deliveries:  # a retried delivery: already handled
                continue
            self.seen_deliveries.add(delivery)
            if event["conversationId"] != conversation["id"]:
                continue
            if event["type"] == "message.created":
                say(f"agent says to the user: {event['message']['text']!r}")
            else:
                say(f"event {event['type']}")
            if event["type"] == event_type:
                return event

    # --- the end of a session ---------------------------------------------------------------------
    def end_session(self, conversation):
        """The bot takes the user back: end the session here AND on the support side."""
        _, closed = self.mock.call("POST", f"/v1/conversations/{conversation['id']}/close")
        say(f"session ended; {conversation['id']} is {closed['state']} on the support side")
    # ------------------------------------------------------------------------------------------------


def play_agent(mock, conversation):
    """The human side, through the mock's control API (not part of the connector)."""
    path = f"/mock/v1/conversations/{conversation['id']}"
    mock.call("POST", path + "/accept")
    mock.call("POST", path + "/reply", {"text": "Hi Ada, I see the double charge. I have refunded it."})
    mock.call("POST", path + "/resolve")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mock", default="http://127.0.0.1:3000", help="base URL of handoff mock")
    parser.add_argument("--token", default="dev-token", help="workspace bearer token")
    parser.add_argument("--user", default=None, help="the bot's id for the user (default: a fresh one)")
    parser.add_argument("--agent", choices=["control", "none"], default="control",
                        help="control: this script also plays the agent; none: a person or a persona does")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for each event")
    args = parser.parse_args()

    mock = Mock(args.mock, args.token)
    secret = uuid.uuid4().hex
    receiver = Receiver(secret)
    _, webhook = mock.call("POST", "/v1/webhooks", {"url": receiver.url, "secret": secret})
    say(f"webhook {webhook['id']} -> {receiver.url}")
    connector = Connector(mock, receiver, args.user or f"ada-{uuid.uuid4().hex[:8]}", args.timeout)
    try:
        user = connector.ensure_user()
        context = {"intent": "billing.refund", "intents": ["billing.refund"], "slots": {"amount": 42}}
        conversation = connector.open_conversation(user, 1, context)
        connector.mirror(conversation, "user", "Hi")
        connector.mirror(conversation, "bot", "Hello! How can I help?")
        connector.mirror(conversation, "user", "I was charged twice for my plan", retry=True)
        connector.mirror(conversation, "bot", "Let me get you someone from Billing.")
        connector.transfer(conversation, pick_team(context["intent"]))
        connector.mirror(conversation, "user", "Thanks, I'll wait")  # the user keeps talking; the bot is silent
        if args.agent == "control":
            threading.Thread(target=play_agent, args=(mock, conversation), daemon=True).start()
        connector.wait_for(conversation, "conversation.resolved")
        connector.end_session(conversation)

        # The user comes back later: a new contact starts with the bot again.
        again = connector.open_conversation(user, 2, {})
        connector.mirror(again, "user", "Hi again")
        if again["state"] != "bot":
            raise RuntimeError(f"the next contact started in state {again['state']}")
        say("done")
    finally:
        mock.call("DELETE", f"/v1/webhooks/{webhook['id']}")
        receiver.stop()


def run():
    """Runs main() with one line for people and exit 1 on failure (also used by the close-bug copy)."""
    try:
        main()
    except Exception as error:  # one line for people, exit 1
        print(f"connector: failed: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    run()
