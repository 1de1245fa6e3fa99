#!/usr/bin/env python3
"""A tiny bot-side connector that hands conversations to human support through the HandoffKit
neutral Support API, the way a chatbot platform's connector would. Python 3, standard library only.

One-shot (journal mode, the default): it plays one session end to end against `handoff mock`:

  1. subscribes its own webhook receiver (127.0.0.1, any free port), which refuses (401) a delivery whose
     signature is wrong or whose timestamp is more than 5 minutes away, and acknowledges the others at once;
  2. creates (or finds) the user, then opens a conversation with the bot's context (intent billing.refund);
  3. mirrors the transcript so far, one message at a time, each with a clientMessageId — and retries one
     post as if its answer had been lost (the same clientMessageId, so the mock stores it once);
  4. picks the team for the intent (billing.* → Billing, as examples/routing.yaml says) and transfers; when
     the team is unavailable (409 team_unavailable) it tries the rules' alternate (General Support), and
     when that is refused too it tells the user that nobody is available;
  5. stays silent while humans have the conversation (the user may keep talking; that is mirrored);
  6. relays what the agent says, and when the agent resolves, ends the session — and CLOSES the
     conversation on the support side;
  7. when the user comes back, opens a new conversation, with the bot in charge.

Then `handoff verify --target URL` checks all of that from the mock's request journal.

The human side: with --agent control (default) this script also plays the agent through the mock's
control API (accept, reply, resolve); with --agent none it waits for someone else — you on the desk
(http://127.0.0.1:3000/desk) or a scripted agent (persona) on the team. --unavailable takes Billing offline
first (the test setting up the situation, not the connector) and brings it back at the end.

Driver mode (--serve HOST:PORT): a long-lived bot service with a keyword NLU, per-user sessions, one signed
webhook subscription, and both channels of docs/driver-protocol.md (the HandoffKit driver protocol and
Rasa's REST channel with its callback channel), so `handoff verify --drive` can play the end users.

--defect NAME breaks one thing on purpose (--list-defects): every verify case can fail.

    python3 examples/connectors/handoff_connector.py --mock http://127.0.0.1:3000 --token dev-token
    python3 examples/connectors/handoff_connector.py --mock http://127.0.0.1:3000 --unavailable
    python3 examples/connectors/handoff_connector.py --serve 127.0.0.1:5005 --mock http://127.0.0.1:3000
"""

import argparse
import hashlib
import hmac
import json
import queue
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Which team takes which intents (the same choice as examples/routing.yaml for these intents).
ROUTES = [("billing.", "Billing"), ("payments.", "Billing"), ("tech.", "Technical Support"), ("app.", "Technical Support")]
FALLBACK_TEAM = "General Support"
# examples/routing.yaml availability.alternates: who takes the conversation when a team cannot.
ALTERNATES = {"Billing": ["General Support"], "Technical Support": ["General Support"]}
# A delivery whose X-Handoff-Timestamp is further than this from now is refused (a replay).
MAX_SKEW_SECONDS = 300

NOBODY_AVAILABLE = "Sorry, nobody is available right now. Please try again later; I'm still here if I can help with anything else."

# The catalogue of defects: name → (modes, what the bug is). Each is one small, realistic bug; the correct
# code path is the default and each deviation is marked `# DEFECT <name>` where it happens.
# Modes: "journal" (the one-shot session) and/or "drive" (--serve).
DEFECTS = {
    "guessed-user": (("journal",), "opens the conversation with the user id remembered from an earlier contact, without POST /v1/users in this run"),
    "no-history": (("journal",), "transfers without mirroring any message first: the agent gets an empty conversation"),
    "concurrent-mirror": (("journal",), "posts the transcript messages concurrently (threads), so the requests overlap"),
    "pasted-transcript": (("journal",), "mirrors the whole transcript as ONE bot message ('User: Hi\\nBot: Hello…')"),
    "bot-only-transcript": (("journal",), "mirrors only the bot's messages, none of the user's"),
    "retry-without-key": (("journal",), "the retried post carries no clientMessageId, so the message is stored twice"),
    "retry-new-key": (("journal",), "the retried post gets a new clientMessageId, so the message is stored twice"),
    "late-duplicate": (("journal",), "re-sends an earlier user message one message later without its key (a non-adjacent duplicate)"),
    "no-key": (("journal",), "sends no clientMessageId on any message (no retry happens: only the SHOULD case)"),
    "unknown-team": (("journal",), "transfers billing.refund to 'Refunds', a team that does not exist (422 unknown_team), then falls back to Billing"),
    "invalid-transfer": (("journal",), "sends the transfer as {\"team\": …} (422 validation_failed) and goes on as if transferred"),
    "wrong-team": (("journal",), "transfers the billing question to Technical Support"),
    "bot-talks-after-transfer": (("journal",), "posts a public bot message after the transfer ('An agent will be with you shortly.')"),
    "ignore-unavailable": (("journal",), "ignores 409 team_unavailable and tells the user 'A human agent will be with you shortly.' (implies --unavailable)"),
    "close-early": (("journal",), "closes the conversation right after the transfer, before any agent acted"),
    "close-bug": (("journal",), "never closes the conversation on the support side when the agent resolves it (OpenCUI's close bug)"),
    "reuse-key": (("journal",), "the user's next contact re-uses the first contact's Idempotency-Key, gets the closed conversation back and mirrors into it"),
    "mirror-after-close": (("journal",), "after closing, mirrors the user's next message into the closed conversation instead of opening a new one"),
    "slow-ack": (("journal", "drive"), "the webhook receiver answers only after 3 s"),
    "no-ack": (("journal", "drive"), "the webhook receiver answers 500 (but still processes the event)"),
    "accept-forged": (("journal", "drive"), "the webhook receiver checks no signature: it answers 204 to anything and acts on it"),
    "accept-stale": (("journal", "drive"), "the webhook receiver checks the signature but not the timestamp's age (acts on a replay)"),
    "new-user-per-contact": (("journal", "drive"), "creates a new support-side user (a new externalId, sender-2) for the user's next contact"),
    "crossed-users": (("drive",), "driver mode: relays agent messages to the most recently active user too (a shared 'current chat'): A's agent reply reaches B"),
    "out-of-order": (("drive",), "driver mode: mirrors the transcript with the bot's turns first, then the user's"),
    "no-relay": (("drive",), "driver mode: never relays the agent's messages to the user"),
    "lie-when-unavailable": (("drive",), "driver mode: on 409 team_unavailable tells the user 'An agent will be with you shortly.' and does nothing else"),
    "no-close-on-leave": (("drive",), "driver mode: ignores the user leaving; the queued conversation stays open"),
    "bot-not-back": (("drive",), "driver mode: after the agent resolves, closes the conversation but the bot never takes the user back (silent, mirrors into the closed one)"),
}


def say(line):
    print("connector: " + line, flush=True)


class ApiError(Exception):
    """A refusal from the support side: status and problem code."""

    def __init__(self, method, path, status, body):
        self.status = status
        self.body = body if isinstance(body, dict) else {}
        self.code = self.body.get("code")
        super().__init__(f"{method} {path} -> {status}: {json.dumps(body) if body is not None else ''}")


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
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = {"detail": text}
        if status not in ok:
            raise ApiError(method, path, status, parsed)
        return status, parsed


def pick_team(intent):
    for prefix, team in ROUTES:
        if (intent or "").startswith(prefix):
            return team
    return FALLBACK_TEAM


# --- the webhook receiver ----------------------------------------------------------------------------


class Receiver:
    """The connector's webhook endpoint: refuses (401) a wrong signature or a timestamp more than 5 minutes
    from now and never acts on a refused delivery; answers 204 at once and queues the event for later."""

    def __init__(self, secret, defect=None):
        self.secret = secret.encode()
        self.defect = defect
        self.events = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                verdict = receiver.check(self.headers, body)
                if receiver.defect == "slow-ack":
                    time.sleep(3)  # DEFECT slow-ack: works before answering; the mock waits (and verify wants 2 s)
                if verdict is not None:
                    self.answer(401, verdict)
                    return
                try:
                    event = json.loads(body)
                except ValueError:
                    self.answer(400, "not JSON")
                    return
                # Acknowledge first, work later: the mock waits for this answer.
                if receiver.defect == "no-ack":
                    self.answer(500, "")  # DEFECT no-ack: answers 500 although it takes the event
                else:
                    self.answer(204, None)
                receiver.events.put((self.headers.get("X-Handoff-Delivery"), event))

            def answer(self, status, text):
                self.send_response(status)
                if text:
                    data = json.dumps({"error": text}).encode()
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                else:
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/handoff-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def check(self, headers, body):
        """None when the delivery is genuine and fresh; otherwise why it is refused."""
        if self.defect == "accept-forged":
            return None  # DEFECT accept-forged: no signature check at all (nor of the timestamp)
        timestamp = headers.get("X-Handoff-Timestamp", "")
        expected = "sha256=" + hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers.get("X-Handoff-Signature", "")):
            return "bad signature"
        if self.defect == "accept-stale":
            return None  # DEFECT accept-stale: a correctly signed replay of any age passes
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            return "stale or missing timestamp"
        return None

    def stop(self):
        self.server.shutdown()


def subscribe(mock, defect):
    secret = uuid.uuid4().hex
    receiver = Receiver(secret, defect)
    _, webhook = mock.call("POST", "/v1/webhooks", {"url": receiver.url, "secret": secret})
    say(f"webhook {webhook['id']} -> {receiver.url}")
    return receiver, webhook


# --- journal mode: one session ------------------------------------------------------------------------


class Connector:
    def __init__(self, mock, receiver, external_id, timeout, defect=None):
        self.mock = mock
        self.receiver = receiver
        self.external_id = external_id
        self.timeout = timeout
        self.defect = defect
        self.seen_deliveries = set()
        self.sent = 0

    def ensure_user(self, external_id=None):
        external_id = external_id or self.external_id
        _, user = self.mock.call("POST", "/v1/users", {"externalId": external_id, "name": "Ada Lovelace"})
        say(f"user {user['id']} for {external_id}")
        return user

    def open_conversation(self, user, contact, context):
        status, conversation = self.mock.call(
            "POST", "/v1/conversations", {"userId": user["id"], "context": context},
            headers={"Idempotency-Key": f"{self.external_id}-contact-{contact}"})
        say(f"conversation {conversation['id']} {'opened' if status == 201 else 'returned'}, state {conversation['state']}")
        return conversation

    def key(self, conversation):
        self.sent += 1
        return f"{conversation['id']}-m{self.sent}"

    def mirror(self, conversation, author, text, retry=False, tolerate=()):
        """Posts one message with its clientMessageId; `tolerate` lists refusal codes a (buggy) caller shrugs off."""
        body = {"author": author, "text": text, "clientMessageId": self.key(conversation)}
        if self.defect == "no-key":
            del body["clientMessageId"]  # DEFECT no-key: nothing lets the mock tell a retry from a new message
        path = f"/v1/conversations/{conversation['id']}/messages"
        try:
            _, message = self.mock.call("POST", path, body)
        except ApiError as error:
            if error.code not in tolerate:
                raise
            say(f"mirroring {author}: {text!r} was refused ({error.code}); going on")
            return None
        if retry:  # the answer was "lost": send the same message again, with the same clientMessageId
            again_body = dict(body)
            if self.defect == "retry-without-key":
                del again_body["clientMessageId"]  # DEFECT retry-without-key: the retry is a new message to the mock
            elif self.defect == "retry-new-key":
                again_body["clientMessageId"] = self.key(conversation)  # DEFECT retry-new-key: a key per attempt
            status, again = self.mock.call("POST", path, again_body)
            say(f"retried {message['id']}: {status}, {'still' if again['id'] == message['id'] else 'now also'} {again['id']}")
        say(f"mirrored {author}: {text!r} as {message['id']} (seq {message['seq']})")
        return message

    def mirror_transcript(self, conversation, transcript):
        """The history so far, one message at a time, in the order lived; one post retried as if its answer was lost."""
        if self.defect == "no-history":
            say("(not mirroring the history)")  # DEFECT no-history: the transfer comes first, with nothing before it
            return
        if self.defect == "pasted-transcript":
            pasted = "\n".join(f"{author.capitalize()}: {text}" for author, text in transcript)
            self.mirror(conversation, "bot", pasted)  # DEFECT pasted-transcript: one bot message holds every turn
            return
        if self.defect == "bot-only-transcript":
            transcript = [turn for turn in transcript if turn[0] == "bot"]  # DEFECT bot-only-transcript: no user turn
        if self.defect == "concurrent-mirror":
            # DEFECT concurrent-mirror: one thread per message, all started together; the order is a race.
            start = threading.Barrier(len(transcript))
            keys = [self.key(conversation) for _ in transcript]

            def post(index, author, text):
                start.wait()
                self.mock.call("POST", f"/v1/conversations/{conversation['id']}/messages",
                               {"author": author, "text": text, "clientMessageId": keys[index]})

            threads = [threading.Thread(target=post, args=(index, *turn)) for index, turn in enumerate(transcript)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            say(f"mirrored {len(transcript)} messages at once")
            return
        first_user = next((index for index, turn in enumerate(transcript) if turn[0] == "user"), None)
        for index, (author, text) in enumerate(transcript):
            # The user's billing question is the post whose answer gets "lost" (retried with the same key).
            retry = author == "user" and "charged" in text and self.defect != "no-key"
            self.mirror(conversation, author, text, retry=retry)
            if self.defect == "late-duplicate" and author == "user" and index != first_user and first_user is not None:
                # DEFECT late-duplicate: a queued re-send of the user's first message, one user message late, keyless.
                self.mock.call("POST", f"/v1/conversations/{conversation['id']}/messages",
                               {"author": "user", "text": transcript[first_user][1]})
                say(f"re-sent {transcript[first_user][1]!r} without its key")
                first_user = None

    def transfer(self, conversation, team):
        """POST …/transfer; the answer (status, body), a refusal included."""
        body = {"teamName": team}
        if self.defect == "invalid-transfer":
            body = {"team": team}  # DEFECT invalid-transfer: the member is teamName (or teamId), not team
        try:
            status, result = self.mock.call("POST", f"/v1/conversations/{conversation['id']}/transfer", body)
        except ApiError as error:
            say(f"transfer to {team} refused: {error.status} {error.code}")
            return error.status, error.body
        say(f"transferred to {result['team']['name']} ({result['team']['id']}): {result['outcome']}")
        return status, result

    def hand_over(self, conversation, intent):
        """Transfers to the team for the intent. True when a team has the conversation now (or, for a buggy
        connector, when it believes so); False when nobody could take it and the user was told."""
        team = pick_team(intent)
        if self.defect == "wrong-team":
            team = "Technical Support"  # DEFECT wrong-team: the billing question goes to the technical team
        if self.defect == "unknown-team":
            # DEFECT unknown-team: the connector's own table still names the refunds team 'Refunds' (renamed on the
            # support side long ago); on unknown_team it falls back to the generic choice.
            status, _ = self.transfer(conversation, "Refunds")
            if status == 200:
                return True
        status, result = self.transfer(conversation, team)
        if status == 200:
            return True
        if self.defect == "invalid-transfer":
            say("(ignoring the refusal: as if transferred)")  # DEFECT invalid-transfer: the 422 goes unread
            return True
        if status != 409 or result.get("code") != "team_unavailable":
            raise RuntimeError(f"transfer to {team} refused: {status} {result.get('code')}")
        if self.defect == "ignore-unavailable":
            # DEFECT ignore-unavailable: the refusal is ignored and the user is promised a human.
            self.mirror(conversation, "bot", "A human agent will be with you shortly.")
            return True
        for alternate in ALTERNATES.get(team, []):
            # Truthful, and said before the transfer (after it the bot is silenced).
            self.mirror(conversation, "bot", f"{team} is not available right now, so I am trying {alternate}.")
            status, result = self.transfer(conversation, alternate)
            if status == 200:
                return True
        self.mirror(conversation, "bot", NOBODY_AVAILABLE)
        return False

    def wait_for(self, conversation, event_type):
        while True:
            try:
                delivery, event = self.receiver.events.get(timeout=self.timeout)
            except queue.Empty:
                raise RuntimeError(f"no {event_type} event within {self.timeout} s")
            if delivery in self.seen_deliveries:  # a retried delivery: already handled
                continue
            self.seen_deliveries.add(delivery)
            if event.get("conversationId") != conversation["id"]:
                continue
            if event.get("type") == "message.created":
                say(f"agent says to the user: {event['message']['text']!r}")
            else:
                say(f"event {event.get('type')}")
            if event.get("type") == event_type:
                return event

    # --- the end of a session ---------------------------------------------------------------------
    def end_session(self, conversation):
        """The bot takes the user back: end the session here AND on the support side."""
        if self.defect == "close-bug":
            # DEFECT close-bug: the session ends on the bot's side only; the support side is never told.
            say(f"session ended (bot side only; {conversation['id']} is left as it is on the support side)")
            return
        _, closed = self.mock.call("POST", f"/v1/conversations/{conversation['id']}/close")
        say(f"session ended; {conversation['id']} is {closed['state']} on the support side")
    # ------------------------------------------------------------------------------------------------


def play_agent(mock, conversation):
    """The human side, through the mock's control API (not part of the connector)."""
    path = f"/mock/v1/conversations/{conversation['id']}"
    try:
        mock.call("POST", path + "/accept")
        mock.call("POST", path + "/reply", {"text": "Hi Ada, I see the double charge. I have refunded it."})
        mock.call("POST", path + "/resolve")
    except ApiError as error:
        say(f"(the agent could not go on: {error.status} {error.code})")


def set_online(mock, name, online):
    """The test's setup (control API), not the connector: takes a team offline or brings it back."""
    _, teams = mock.call("GET", "/v1/teams")
    team = next(team for team in teams["data"] if team["name"].lower() == name.lower())
    was_online = team["availability"].get("reason") != "offline"
    mock.call("PUT", f"/mock/v1/teams/{team['id']}/availability", {"online": online})
    say(f"(setup) team {team['name']} ({team['id']}) {'online' if online else 'offline'}")
    return team, was_online


def one_shot(args):
    mock = Mock(args.mock, args.token)
    defect = args.defect
    unavailable = args.unavailable or defect == "ignore-unavailable"
    receiver, webhook = subscribe(mock, defect)
    connector = Connector(mock, receiver, args.user or f"ada-{uuid.uuid4().hex[:8]}", args.timeout, defect)
    billing = None
    try:
        if unavailable:
            billing = set_online(mock, "Billing", False)
        if defect == "guessed-user":
            # (setup) Ada's earlier contact made her user; then the journal starts fresh, as between two runs.
            remembered = connector.ensure_user()["id"]
            mock.call("DELETE", "/mock/v1/journal")
            say("(setup) an earlier contact created the user; the journal starts fresh")
            user = {"id": remembered}  # DEFECT guessed-user: the cached id, never created or looked up in this run
        else:
            user = connector.ensure_user()
        context = {"intent": "billing.refund", "intents": ["billing.refund"], "slots": {"amount": 42}}
        conversation = connector.open_conversation(user, 1, context)
        transcript = [
            ("user", "Hi"),
            ("bot", "Hello! How can I help?"),
            ("user", "I was charged twice for my plan"),
            ("bot", "Let me get you someone from Billing."),
        ]
        connector.mirror_transcript(conversation, transcript)
        handed = connector.hand_over(conversation, context["intent"])
        if handed:
            connector.mirror(conversation, "user", "Thanks, I'll wait")  # the user keeps talking; the bot is silent
            if defect == "bot-talks-after-transfer":
                # DEFECT bot-talks-after-transfer: the bot keeps talking in public once humans have the conversation.
                connector.mirror(conversation, "bot", "An agent will be with you shortly.", tolerate=("bot_silenced",))
            _, now = mock.call("GET", f"/v1/conversations/{conversation['id']}")
            if now["state"] == "bot":  # only a buggy connector gets here: it believes it transferred
                say(f"the user waits for an agent, but {conversation['id']} never reached a team; nobody is coming")
                say("done")
                return
            if defect == "close-early":
                # DEFECT close-early: the connector thinks its job ends with the transfer and closes at once.
                connector.end_session(conversation)
            else:
                if args.agent == "control":
                    threading.Thread(target=play_agent, args=(mock, conversation), daemon=True).start()
                connector.wait_for(conversation, "conversation.resolved")
                connector.end_session(conversation)
        else:
            connector.end_session(conversation)  # nobody could take it: the bot keeps the user, the session ends

        # The user comes back later: a new contact starts with the bot again.
        if defect == "mirror-after-close":
            # DEFECT mirror-after-close: the next message goes into the old, ended conversation.
            connector.mirror(conversation, "user", "Hi again", tolerate=("conversation_closed", "conversation_resolved"))
            say("done")
            return
        if defect == "new-user-per-contact":
            user = connector.ensure_user(connector.external_id + "-2")  # DEFECT new-user-per-contact: a second user
        contact = 1 if defect == "reuse-key" else 2  # DEFECT reuse-key: the first contact's Idempotency-Key again
        again = connector.open_conversation(user, contact, {})
        connector.mirror(again, "user", "Hi again", tolerate=("conversation_closed",) if defect else ())
        if again["state"] != "bot" and not defect:
            raise RuntimeError(f"the next contact started in state {again['state']}")
        say("done")
    finally:
        if billing is not None and billing[1]:
            set_online(mock, billing[0]["name"], True)
        mock.call("DELETE", f"/v1/webhooks/{webhook['id']}", ok=(204, 404))
        receiver.stop()


# --- driver mode: a bot service ----------------------------------------------------------------------

BILLING_STEMS = ("charg", "overcharg", "refund", "invoice", "payment", "billing", "billed", "bill")
CRASH_STEMS = ("crash", "bug", "error", "broken", "freez")
HUMAN_WORDS = {"human", "humans", "agent", "agents", "person", "people", "someone", "somebody", "representative", "operator"}
GREETING_WORDS = {"hi", "hello", "hey", "hiya", "howdy", "morning", "evening", "afternoon"}


def understand(text):
    """A tiny keyword NLU: (intent or None, wants a human)."""
    words = re.findall(r"[a-z]+", text.lower())
    intent = None
    if any(word.startswith(stem) for word in words for stem in BILLING_STEMS):
        intent = "billing.refund"
    elif any(word.startswith(stem) for word in words for stem in CRASH_STEMS):
        intent = "app.crash"
    elif any(word in GREETING_WORDS for word in words):
        intent = "greeting"
    return intent, any(word in HUMAN_WORDS for word in words)


def bot_answer(intent):
    return {
        "greeting": "Hello! How can I help?",
        "billing.refund": "I'm sorry about that. I can explain refunds and invoices, or you can ask to talk to a person.",
        "app.crash": "Sorry the app is misbehaving. Updating to the latest version often fixes it; or ask to talk to a person.",
    }.get(intent, "I can help with billing and app problems, or you can ask to talk to a person.")


class Session:
    """One end user on the bot's side: who has them (the bot or humans), what they lived since the contact
    began, and everything they received."""

    def __init__(self, sender):
        self.sender = sender
        self.lock = threading.RLock()
        self.channel = "handoff"
        self.received = []  # [{"from": "bot"|"agent", "text": …}], oldest first
        self.contacts = 0  # handoffs so far
        self.new_contact()

    def new_contact(self):
        self.with_humans = False
        self.conversation = None
        self.transcript = []  # [(author, text)] since this contact began, in the order lived
        self.intents = []
        self.sent = 0

    def key(self):
        self.sent += 1
        return f"{self.conversation['id']}-{self.sender}-m{self.sent}"


class BotService:
    def __init__(self, mock, defect, rasa_callback):
        self.mock = mock
        self.defect = defect
        self.rasa_callback = rasa_callback
        self.sessions = {}
        self.owners = {}  # conversation id → sender
        self.lock = threading.Lock()
        self.last_active = None
        self.seen_deliveries = set()

    def session(self, sender, create=True):
        with self.lock:
            if sender not in self.sessions and create:
                self.sessions[sender] = Session(sender)
            return self.sessions.get(sender)

    # the user's side --------------------------------------------------------------------------------
    def on_message(self, sender, text, channel):
        session = self.session(sender)
        with self.lock:
            self.last_active = sender
        with session.lock:
            session.channel = channel
            if session.with_humans:
                if self.mirror(session, "user", text):
                    return []  # humans have the user: mirrored, the bot stays silent
                if self.defect == "bot-not-back":
                    return []  # DEFECT bot-not-back: still silent, as if humans had the user
                # The agent ended it before its event reached us: the bot takes the user back now.
                self.end_contact(session, close=True)
            intent, wants_human = understand(text)
            session.transcript.append(("user", text))
            if intent and intent != "greeting":
                session.intents.append(intent)
            if wants_human:
                answers = self.hand_off(session)
            else:
                answers = [bot_answer(intent)]
                session.transcript.append(("bot", answers[0]))
            session.received.extend({"from": "bot", "text": answer} for answer in answers)
            return answers

    def on_leave(self, sender):
        session = self.session(sender, create=False)
        if session is None:
            return
        with session.lock:
            if session.with_humans and session.conversation:
                if self.defect == "no-close-on-leave":
                    say(f"{sender} left (ignored)")  # DEFECT no-close-on-leave: the team works a chat nobody is in
                    return
                self.end_contact(session, close=True)
                say(f"{sender} left; closed on the support side")
            else:
                session.new_contact()

    def received(self, sender):
        session = self.session(sender, create=False)
        if session is None:
            return []
        with session.lock:
            return list(session.received)

    # the support side -------------------------------------------------------------------------------
    def mirror(self, session, author, text):
        """Posts one message into the session's conversation; False when the conversation has ended there."""
        conversation = session.conversation
        try:
            self.mock.call("POST", f"/v1/conversations/{conversation['id']}/messages",
                           {"author": author, "text": text, "clientMessageId": session.key()})
            return True
        except ApiError as error:
            if error.code in ("conversation_resolved", "conversation_closed"):
                say(f"{conversation['id']} has ended on the support side ({error.code})")
                return False
            raise

    def transfer(self, session, team):
        try:
            self.mock.call("POST", f"/v1/conversations/{session.conversation['id']}/transfer", {"teamName": team})
            say(f"{session.sender}: {session.conversation['id']} transferred to {team}")
            return None
        except ApiError as error:
            say(f"{session.sender}: transfer to {team} refused ({error.status} {error.code})")
            return error

    def hand_off(self, session):
        """The user asked for a person: user, conversation, transcript, transfer. Returns the bot's answers."""
        sender = session.sender
        session.contacts += 1
        intent = session.intents[-1] if session.intents else None
        team = pick_team(intent)
        external_id = sender
        if self.defect == "new-user-per-contact" and session.contacts > 1:
            external_id = f"{sender}-{session.contacts}"  # DEFECT new-user-per-contact: one user per contact
        _, user = self.mock.call("POST", "/v1/users", {"externalId": external_id})
        context = {"intents": list(dict.fromkeys(session.intents))}
        if intent:
            context["intent"] = intent
        _, conversation = self.mock.call(
            "POST", "/v1/conversations", {"userId": user["id"], "context": context},
            headers={"Idempotency-Key": f"{sender}-{uuid.uuid4().hex}"})  # a fresh key per contact
        session.conversation = conversation
        with self.lock:
            self.owners[conversation["id"]] = sender
        say(f"{sender}: {conversation['id']} opened for {user['id']} (intent {intent})")
        announce = f"I'm connecting you with {team}; an agent will be with you shortly."
        session.transcript.append(("bot", announce))  # said before the transfer, so it is part of the history
        answers = [announce]
        turns = session.transcript
        if self.defect == "out-of-order":
            # DEFECT out-of-order: the bot's turns first, then the user's — the agent reads answers before questions.
            turns = [turn for turn in turns if turn[0] == "bot"] + [turn for turn in turns if turn[0] == "user"]
        for author, text in turns:  # one at a time, in the order lived, each with its clientMessageId
            self.mirror(session, author, text)
        refusal = self.transfer(session, team)
        if refusal is None:
            session.with_humans = True
            return answers
        if refusal.code != "team_unavailable":
            self.mirror(session, "bot", "Sorry, I could not reach our support team. Please try again later.")
            self.end_contact(session, close=True)
            return answers + ["Sorry, I could not reach our support team. Please try again later."]
        if self.defect == "lie-when-unavailable":
            # DEFECT lie-when-unavailable: the refusal is swallowed and the user is promised a human anyway.
            session.with_humans = True
            return answers + ["An agent will be with you shortly."]
        for alternate in ALTERNATES.get(team, []):
            note = f"{team} is not available right now, so I am trying {alternate}."
            self.mirror(session, "bot", note)  # the truth, said before the transfer (the bot is silenced after it)
            answers.append(note)
            if self.transfer(session, alternate) is None:
                session.with_humans = True
                return answers
        self.mirror(session, "bot", NOBODY_AVAILABLE)
        answers.append(NOBODY_AVAILABLE)
        self.end_contact(session, close=True)  # the bot keeps the user; nothing waits on the support side
        return answers

    def end_contact(self, session, close):
        conversation = session.conversation
        session.new_contact()
        if close and conversation:
            _, closed = self.mock.call("POST", f"/v1/conversations/{conversation['id']}/close")
            say(f"{session.sender}: {conversation['id']} is {closed['state']} on the support side")

    # events -----------------------------------------------------------------------------------------
    def work(self, events):
        while True:
            delivery, event = events.get()
            if delivery in self.seen_deliveries:
                continue
            self.seen_deliveries.add(delivery)
            try:
                self.handle(event)
            except Exception as error:  # keep serving
                say(f"event {event.get('type')} for {event.get('conversationId')}: {error}")

    def handle(self, event):
        conversation_id = event.get("conversationId")
        with self.lock:
            sender = self.owners.get(conversation_id)
        if sender is None:
            return
        kind = event.get("type")
        if kind == "message.created":
            if self.defect == "no-relay":
                return  # DEFECT no-relay: the agent's words never reach the user
            recipients = [sender]
            if self.defect == "crossed-users":
                with self.lock:  # DEFECT crossed-users: the relay also goes to the "current chat", whoever spoke last
                    recipients = list(dict.fromkeys([sender, self.last_active or sender]))
            text = event["message"]["text"]
            for recipient in recipients:
                session = self.session(recipient)
                with session.lock:
                    session.received.append({"from": "agent", "text": text})
                    channel = session.channel
                say(f"{recipient}: agent says {text!r}")
                if channel == "rasa":
                    self.callback(recipient, text)
        elif kind == "conversation.resolved":
            session = self.session(sender)
            with session.lock:
                if not session.conversation or session.conversation["id"] != conversation_id:
                    return  # already ended here (the user left, or the refusal of a mirror told us)
                if self.defect == "bot-not-back":
                    # DEFECT bot-not-back: closed on the support side, but the session still believes humans have it.
                    self.mock.call("POST", f"/v1/conversations/{conversation_id}/close")
                    say(f"{sender}: {conversation_id} closed (the bot does not take the user back)")
                    return
                self.end_contact(session, close=True)  # the bot is back for the user
                say(f"{sender}: the agent resolved {conversation_id}; the bot is back")

    def callback(self, sender, text):
        """Rasa's callback channel: later messages are POSTed to the callback URL."""
        data = json.dumps({"recipient_id": sender, "text": text}).encode()
        request = urllib.request.Request(self.rasa_callback, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError) as error:
            say(f"rasa callback {self.rasa_callback} for {sender} failed: {error}")


SENDER = re.compile(r"^[A-Za-z0-9._@:+-]{1,200}$")


def driver_handler(service):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status, value=None):
            data = b"" if value is None else json.dumps(value).encode()
            self.send_response(status)
            if value is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            length = int(self.headers.get("Content-Length", "0") or "0")
            raw = self.rfile.read(length) if length else b""
            try:
                return json.loads(raw) if raw else {}
            except ValueError:
                return None

        def route(self):
            path = urllib.parse.urlsplit(self.path).path
            match = re.fullmatch(r"/users/([^/]+)/(messages|leave|received)", path)
            if match:
                sender = urllib.parse.unquote(match.group(1))
                return (match.group(2), sender if SENDER.match(sender) else None)
            return (path, None)

        def do_GET(self):
            what, sender = self.route()
            if what == "received" and sender:
                self.reply(200, {"messages": service.received(sender)})
            elif what in ("/webhooks/rest", "/webhooks/rest/"):
                self.reply(200, {"status": "ok"})  # Rasa's REST channel health check
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self):
            what, sender = self.route()
            body = self.body()
            try:
                if what == "messages" and sender:
                    if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"].strip():
                        self.reply(400, {"error": 'the body must be {"text": "…"}'})
                        return
                    answers = service.on_message(sender, body["text"], "handoff")
                    self.reply(200, {"messages": [{"text": answer} for answer in answers]})
                elif what == "leave" and sender:
                    service.on_leave(sender)
                    self.reply(204)
                elif what == "/webhooks/rest/webhook":
                    if (not isinstance(body, dict) or not isinstance(body.get("message"), str)
                            or not SENDER.match(str(body.get("sender", "")))):
                        self.reply(400, {"error": 'the body must be {"sender": "…", "message": "…"}'})
                        return
                    sender = str(body["sender"])
                    answers = service.on_message(sender, body["message"], "rasa")
                    self.reply(200, [{"recipient_id": sender, "text": answer} for answer in answers])
                else:
                    self.reply(404, {"error": "not found"})
            except (ApiError, urllib.error.URLError, OSError) as error:
                say(f"{self.command} {self.path}: the support side failed: {error}")
                self.reply(502, {"error": f"the support side failed: {error}"})

        def log_message(self, *args):
            pass

    return Handler


def serve(args):
    host, _, port = args.serve.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost") or not port.isdigit():
        raise SystemExit("connector: --serve takes 127.0.0.1:PORT (loopback only)")
    mock = Mock(args.mock, args.token)
    service = BotService(mock, args.defect, args.rasa_callback)
    receiver, webhook = subscribe(mock, args.defect)  # one subscription for the whole service
    threading.Thread(target=service.work, args=(receiver.events,), daemon=True).start()
    server = ThreadingHTTPServer((host, int(port)), driver_handler(service))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    say(f"serving on http://{host}:{server.server_address[1]}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        try:
            mock.call("DELETE", f"/v1/webhooks/{webhook['id']}", ok=(204, 404))
        except (ApiError, urllib.error.URLError, OSError):
            pass
        receiver.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mock", default="http://127.0.0.1:3000", help="base URL of handoff mock")
    parser.add_argument("--token", default="dev-token", help="workspace bearer token")
    parser.add_argument("--user", default=None, help="one-shot: the bot's id for the user (default: a fresh one)")
    parser.add_argument("--agent", choices=["control", "none"], default="control",
                        help="one-shot: control: this script also plays the agent; none: a person or a persona does")
    parser.add_argument("--timeout", type=float, default=30, help="one-shot: seconds to wait for each event")
    parser.add_argument("--unavailable", action="store_true",
                        help="one-shot: take Billing offline first (the test's setup) so the transfer meets 409 team_unavailable")
    parser.add_argument("--defect", choices=sorted(DEFECTS), default=None, help="break one thing on purpose (--list-defects)")
    parser.add_argument("--list-defects", action="store_true", help="list the defects and exit")
    parser.add_argument("--serve", metavar="HOST:PORT", default=None,
                        help="driver mode: serve the driver protocol and Rasa's REST channel on 127.0.0.1:PORT")
    parser.add_argument("--rasa-callback", default="http://127.0.0.1:5034/bot",
                        help="driver mode: where later messages for Rasa users are POSTed (Rasa's callback channel)")
    args = parser.parse_args(argv)
    if args.list_defects:
        for name, (modes, bug) in DEFECTS.items():
            print(f"{name}: {bug}")
        return
    mode = "drive" if args.serve else "journal"
    if args.defect and mode not in DEFECTS[args.defect][0]:
        parser.error(f"--defect {args.defect} works only in {' and '.join(DEFECTS[args.defect][0])} mode")
    if args.serve:
        serve(args)
    else:
        one_shot(args)


def run():
    """Runs main() with one line for people and exit 1 on failure (also used by the close-bug copy)."""
    try:
        main()
    except Exception as error:  # one line for people, exit 1
        print(f"connector: failed: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    run()
