# Helpers shared by the bench scripts (sourced, not run).
# All servers listen on 127.0.0.1; every loop is bounded.

HANDOFF=${HANDOFF:-.build/release/handoff}
BENCH_VENV=${BENCH_VENV:-.build-bench-venv}
PACT=${PACT:-$BENCH_VENV/bin/pact}
AUTH="Authorization: Bearer dev-token"
# start_handoff, stop_pid
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/mock-lib.sh"

# Installs wrk and hyperfine (Debian) and the Pact CLI (PyPI, in a venv) when missing.
bench_tools() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v hyperfine >/dev/null || need+=(hyperfine)
  command -v sqlite3 >/dev/null || need+=(sqlite3)
  command -v curl >/dev/null || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  fi
  if [ ! -x "$PACT" ]; then
    python3 -m venv "$BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q --disable-pip-version-check pact-python-cli
  fi
  [ -x "$HANDOFF" ] || { echo "bench: $HANDOFF missing; run swift build -c release --static-swift-stdlib" >&2; exit 2; }
}

# start_pact PACTFILE: starts the Pact stub server on a free port, sets PACT_PID and PACT_URL.
start_pact() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$PACT" stub -f "$1" -p "$port" -l error >/dev/null 2>&1 &
  PACT_PID=$!
  PACT_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 400); do
    curl -fs -o /dev/null -H "$AUTH" "$PACT_URL/v1/teams" && return 0
    sleep 0.025
  done
  echo "bench: the Pact stub server did not start" >&2
  exit 2
}

# rss_mb PID: resident set size in MB (one decimal).
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# anon_mb PID: RssAnon in MB (the process's own memory: heap and stacks, not mapped files).
anon_mb() { awk '/^RssAnon:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# rss_split PID: "anonymous X MB + file-backed Y MB" (private heap and stacks vs mapped code and data).
rss_split() { awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { printf "anonymous %.1f MB + file-backed %.1f MB", a / 1024, f / 1024 }' "/proc/$1/status"; }

# run_wrk LABEL URL [wrk args...]: prints one line "LABEL: N req/s, p99 X ms" and sets WRK_RPS, WRK_P99.
run_wrk() {
  local label=$1 url=$2
  shift 2
  local out
  out=$(wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-16}" -d"${BENCH_DURATION:-10s}" --latency -H "$AUTH" "$@" "$url")
  WRK_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  WRK_REQUESTS=$(awk '/requests in/ { print $1; exit }' <<<"$out")
  WRK_P99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.2f", v }' <<<"$out")
  local errors
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr -s ' ' | paste -sd';' - || true)
  echo "$label: $WRK_RPS req/s, p99 $WRK_P99 ms${errors:+ ($errors)}"
}

# cpu_ticks PID: user + system CPU time of a process, in clock ticks (1/100 s).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run_wrk_cpu LABEL URL [wrk args...]: run_wrk, plus the server's CPU time per request (µs) in
# WRK_CPU_US. CPU per request does not count the time spent waiting for a core, so it is far less
# sensitive than p99 to other work on the machine.
run_wrk_cpu() {
  local before after line
  before=$(cpu_ticks "$MOCK_PID")
  line=$(run_wrk "$@")
  after=$(cpu_ticks "$MOCK_PID")
  WRK_P99=$(sed 's/.*p99 \([0-9.]*\) ms.*/\1/' <<<"$line")
  WRK_CPU_US=$(awk -v t=$(( after - before )) -v n="$(sed 's/.*: \([0-9]*\) req\/s.*/\1/' <<<"$line")" -v d="${BENCH_DURATION:-10s}" \
    'BEGIN { sub(/s$/, "", d); printf "%.0f", t * 10000 / (n * d) }')
  echo "$line, server CPU $WRK_CPU_US µs/request"
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# start_mock_with_ids DB NAME: starts the mock on the file database DB (loopback only; NAME names the caller in
# errors) and sets ACCOUNT, INBOX, ADMIN, BOT, AGENT from its start-up lines (the default seed's values when a
# line changes shape) and TEAM (the Billing team's id, from the database).
start_mock_with_ids() {
  local db=$1 name=$2 cwline
  start_handoff --db "$db"
  case "$MOCK_URL" in http://127.0.0.1:*) ;; *) echo "$name: the mock is not on loopback ($MOCK_URL)" >&2; exit 2 ;; esac
  cwline=$(grep '^chatwoot: account' "$MOCK_LOG" | head -n1 || true)
  ACCOUNT=$(sed -n 's/^chatwoot: account \([0-9]*\).*/\1/p' <<<"$cwline")
  INBOX=$(sed -n 's/.*, inbox \([0-9]*\).*/\1/p' <<<"$cwline")
  ADMIN=$(sed -n 's/.*api_access_token \([^ ,]*\) (administrator).*/\1/p' <<<"$cwline")
  BOT=$(sed -n 's/.* \([^ ,]*\) (agent bot of.*/\1/p' <<<"$cwline")
  AGENT=$(sed -n 's/.* \([^ ,]*\) (agent [^b][^o][^t].*/\1/p' <<<"$cwline")
  ACCOUNT=${ACCOUNT:-1} INBOX=${INBOX:-1} ADMIN=${ADMIN:-dev-token} BOT=${BOT:-bot-token} AGENT=${AGENT:-agent-token}
  TEAM=$(sqlite3 "$db" "SELECT id FROM teams WHERE name = 'Billing' LIMIT 1")
}
