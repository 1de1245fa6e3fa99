#!/usr/bin/env bash
# Fuzz the mock's Chatwoot face with Chatwoot's own OpenAPI document (swagger/swagger.json of
# github.com/chatwoot/chatwoot at v4.15.0, given as CHATWOOT_SPEC),
# for a bounded time, checking one thing: no answer is a 5xx and the mock stays up. (Conformance of
# the answers to that document is checked by scripts/chatwoot-fidelity.py; the document and the
# Rails source disagree in places, see docs/chatwoot-deviations.md.)
#
#   scripts/fuzz-chatwoot.sh              # needs .build/debug/handoff (swift build) and scripts/fuzz.sh's venv
#   FUZZ_SECONDS=120 FUZZ_SEED=1 CHATWOOT_SPEC=path/to/swagger.json scripts/fuzz-chatwoot.sh
set -euo pipefail
cd "$(dirname "$0")/.."

HANDOFF=${HANDOFF:-.build/debug/handoff}
VENV=${FUZZ_VENV:-.build-venv}
SPEC=${CHATWOOT_SPEC:-}
SECONDS_BUDGET=${FUZZ_SECONDS:-120}
SEED=${FUZZ_SEED:-}
REPORT_DIR=${FUZZ_REPORT_DIR:-.build-fuzz}/chatwoot

[ -x "$HANDOFF" ] || { echo "fuzz-chatwoot: $HANDOFF not found; run swift build first" >&2; exit 2; }
[ -n "$SPEC" ] && [ -f "$SPEC" ] || { echo "fuzz-chatwoot: needs Chatwoot's OpenAPI document: CHATWOOT_SPEC=path/to/swagger.json (swagger/swagger.json of github.com/chatwoot/chatwoot at v4.15.0)${SPEC:+; not found: $SPEC}" >&2; exit 2; }
source scripts/mock-lib.sh
ensure_schemathesis "$VENV"

start_handoff --in-memory
trap 'stop_pid "$MOCK_PID"; rm -f "$MOCK_LOG"' EXIT
url=$MOCK_URL

# Real ids on the seeded account 1, so generated requests reach the handlers: a contact, its
# conversation (display id 1) with a message, and the seeded inbox, team and agent.
H="api_access_token: dev-token"
post() { curl -fsS -H "$H" -H 'Content-Type: application/json' -d "$2" "$url$1"; }
contact=$(post /api/v1/accounts/1/contacts '{"name":"Fuzz","identifier":"fuzz-1","inbox_id":1}' | grep -o '"id":[0-9]*' | head -n1 | cut -d: -f2)
source_id=$(curl -fsS -H "$H" "$url/api/v1/accounts/1/contacts/$contact" | grep -o '"source_id":"[^"]*"' | head -n1 | cut -d'"' -f4)
post /api/v1/accounts/1/conversations "{\"source_id\":\"$source_id\",\"inbox_id\":1,\"contact_id\":$contact}" >/dev/null
post /api/v1/accounts/1/conversations/1/messages '{"content":"hello","message_type":"incoming"}' >/dev/null
mkdir -p "$REPORT_DIR"
config="$REPORT_DIR/schemathesis.toml"
cat >"$config" <<TOML
# Written by scripts/fuzz-chatwoot.sh: the seeded account and real ids for most generated path ids.
[dictionaries.accounts]
values = [1]
[dictionaries.conversations]
values = [1]
[dictionaries.contacts]
values = [$contact]
[[operations]]
include-path-regex = '^/api/v1/accounts/'
parameters = { "path.account_id" = { dictionary = "accounts", probability = 0.9 }, "path.conversation_id" = { dictionary = "conversations", probability = 0.8 }, "path.id" = { dictionary = "contacts", probability = 0.5 } }
TOML
echo "fuzz-chatwoot: mock at $url (pid $MOCK_PID); contact $contact, conversation 1; document $SPEC"

args=(
  --config-file "$config"
  run "$SPEC"
  --url "$url"
  --header "$H"
  --checks not_a_server_error
  --include-path-regex '^/api/v1/(accounts|profile)'
  --max-examples 30
  --max-time "$SECONDS_BUDGET"
  --request-timeout 10
  --workers 1
  --phases examples,coverage,fuzzing
  --generation-with-security-parameters false
  --suppress-health-check all
  --report junit --report-junit-path "$REPORT_DIR/junit.xml"
)
[ -n "$SEED" ] && args+=(--seed "$SEED")

rm -f "$REPORT_DIR/junit.xml"
status=0
"$VENV/bin/schemathesis" "${args[@]}" || status=$?
mock_alive fuzz-chatwoot || status=1
fuzz_verdict fuzz-chatwoot "$REPORT_DIR/junit.xml" "$status"
