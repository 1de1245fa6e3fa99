# Starting and stopping the mock from shell scripts (sourced by bench/lib.sh, scripts/fuzz.sh and
# scripts/fuzz-chatwoot.sh, not run). Everything listens on 127.0.0.1; every wait is bounded.

# start_handoff ARGS...: starts `$HANDOFF mock --port 0 ARGS` and waits for its "listening on" line;
# sets MOCK_PID, MOCK_URL and MOCK_LOG (its output). Exits 2, showing the output, if it does not start.
start_handoff() {
  MOCK_LOG=$(mktemp)
  "$HANDOFF" mock --port 0 "$@" >"$MOCK_LOG" 2>&1 &
  MOCK_PID=$!
  MOCK_URL=""
  for _ in $(seq 1 400); do
    MOCK_URL=$(sed -n 's/^listening on //p' "$MOCK_LOG" | head -n1)
    [ -n "$MOCK_URL" ] && return 0
    kill -0 "$MOCK_PID" 2>/dev/null || break
    sleep 0.025
  done
  cat "$MOCK_LOG" >&2
  echo "$(basename "$0"): the mock did not start" >&2
  exit 2
}

# stop_pid PID: stops a process started by the script and waits for it.
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# mock_alive NAME: true while the mock runs; otherwise says so with its output (for after a fuzz run).
mock_alive() {
  kill -0 "$MOCK_PID" 2>/dev/null && return 0
  echo "$1: the mock died during the run" >&2
  cat "$MOCK_LOG" >&2
  return 1
}

# ensure_schemathesis VENV: installs schemathesis (PyPI) into the venv when it is not there.
ensure_schemathesis() {
  if [ ! -x "$1/bin/schemathesis" ]; then
    python3 -m venv "$1"
    "$1/bin/pip" install -q --disable-pip-version-check schemathesis
  fi
}

# fuzz_verdict NAME JUNIT STATUS: prints "NAME: N passed, N failed" from schemathesis' JUnit report and
# returns non-zero if STATUS was, or if no operation was tested at all (a run that reached nothing
# proves nothing: a document change that leaves every operation out must not pass).
fuzz_verdict() {
  local name=$1 junit=$2 status=$3 tests=0 failures=0 errors=0
  if [ -f "$junit" ]; then
    tests=$(grep -o 'tests="[0-9]*"' "$junit" | head -n1 | tr -dc 0-9)
    failures=$(grep -o 'failures="[0-9]*"' "$junit" | head -n1 | tr -dc 0-9)
    errors=$(grep -o 'errors="[0-9]*"' "$junit" | head -n1 | tr -dc 0-9)
  fi
  local failed=$(( ${failures:-0} + ${errors:-0} ))
  local passed=$(( ${tests:-0} - failed ))
  if [ "${tests:-0}" -eq 0 ]; then
    echo "$name: no operation was tested" >&2
    status=1
  fi
  [ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
  echo "$name: $passed passed, $failed failed"
  return "$status"
}
