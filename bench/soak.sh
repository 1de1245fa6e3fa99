#!/usr/bin/env bash
# Soak: the whole handoff flow on both faces for SOAK_MINUTES beside slow readers and hanging webhook receivers.
#   HANDOFF_BIN=.build/release/handoff bench/soak.sh            (SOAK_MINUTES=1 for a smoke run)
# 1. Starts its own mock: `handoff mock --port 0 --db FILE` (a temp file database; port picked by the kernel,
#    loopback only), the binary from HANDOFF_BIN (default .build/release/handoff).
# 2. Side load for the whole run (bench/soak_side.py): SOAK_HOOKS (20) loopback listeners that accept and never
#    answer, subscribed with POST /v1/webhooks {"url":"http://127.0.0.1:PORT/hook","secret":"s"}, the first
#    SOAK_CW_HOOKS (5) of them also as Chatwoot account webhooks; SOAK_SLOW (50) connections that pipeline
#    GET /v1/teams and never read an answer (the idea of bench/slow-readers.py).
# 3. Each minute: bench/flow.lua (through bench/soak_flow.lua, which adds the 5xx count and the per-request p99)
#    on the Chatwoot face and on the neutral face at the same time, SOAK_CLIENTS (16) clients per face
#    (wrk -tN -cN -d60s --timeout 10s), as in bench/routes.sh; then one line: mock RSS (VmRSS), flows, p99 per
#    request of each face, p99 of a whole flow, 5xx, other non-2xx, socket errors, and RssAnon (the process's
#    own memory; VmRSS also counts the database file SQLite maps). wrk restarts each minute, so the clients
#    reconnect once a minute.
# 4. At the end: bench/flow_check.py on every minute's acknowledged-write log (lost writes), and the targets:
#    RSS flat (every minute within 20 % of minute 1), 0 5xx, 0 lost, and the write-ahead log bounded (at most
#    256 MB at the end of every minute: the mock truncates it past 64 MiB, looking every 2 s).
# A benchmark, not a test: it prints figures and exits 0 unless the tools or servers fail.
set -euo pipefail
cd "$(dirname "$0")/.."
HANDOFF=${HANDOFF_BIN:-.build/release/handoff}
source bench/lib.sh
MINUTES=${SOAK_MINUTES:-10}
SECONDS_PER=${SOAK_MINUTE_SECONDS:-60}   # length of one "minute"; only for a quick try of the script
FC=${SOAK_CLIENTS:-16}
SLOW=${SOAK_SLOW:-50}
HOOKS=${SOAK_HOOKS:-20}
CW_HOOKS=${SOAK_CW_HOOKS:-5}
for tool in wrk sqlite3 curl python3; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$HANDOFF" ] || { echo "soak.sh: $HANDOFF missing (HANDOFF_BIN)" >&2; exit 2; }

work=$(mktemp -d)
SIDE_PID=""
cleanup() {
  [ -n "$SIDE_PID" ] && stop_pid "$SIDE_PID"
  [ -n "${MOCK_PID:-}" ] && stop_pid "$MOCK_PID"
  rm -rf "$work"
}
trap cleanup EXIT

echo "== machine"
echo "cpu: $(nproc) × $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); kernel $(uname -r)"
echo "binary: $HANDOFF ($("$HANDOFF" --version 2>/dev/null || echo "?")); source: git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

db="$work/soak.sqlite"
start_mock_with_ids "$db" soak.sh
echo "mock: $MOCK_URL (pid $MOCK_PID, db $db); account $ACCOUNT, inbox $INBOX, Billing team $TEAM"
echo "RSS idle after start: $(rss_mb "$MOCK_PID") MB"

python3 bench/soak_side.py "$MOCK_URL" --slow "$SLOW" --hooks "$HOOKS" --chatwoot-hooks "$CW_HOOKS" \
  --account "$ACCOUNT" --token "$ADMIN" >"$work/side.log" 2>&1 &
SIDE_PID=$!
for _ in $(seq 1 600); do
  grep -q '^side: ready' "$work/side.log" && break
  kill -0 "$SIDE_PID" 2>/dev/null || { cat "$work/side.log" >&2; echo "soak.sh: side load failed" >&2; exit 2; }
  sleep 0.05
done
grep '^side: ready' "$work/side.log" || { cat "$work/side.log" >&2; exit 2; }
echo "command per minute: wrk -t$FC -c$FC -d${SECONDS_PER}s --timeout 10s -s bench/soak_flow.lua (FLOW_FACE=chatwoot and FLOW_FACE=neutral at once)"
echo "RSS with the side load in place: $(rss_mb "$MOCK_PID") MB"

# field LINE NAME: the value of NAME=... in a SOAK_RESULT / FLOW_RESULT line.
field() { sed -n "s/.*[ ]$2=\([0-9.]*\).*/\1/p" <<<"$1"; }
rows="$work/rows.txt"
: >"$rows"
printf '%-6s %8s %7s %11s %11s %10s %5s %9s %9s %8s %7s %7s\n' minute "RSS MB" flows "p99 cw ms" "p99 neu ms" "flow p99" 5xx "other≠2xx" "sock err" "anon MB" "WAL MB" "DB MB"
for m in $(seq 1 "$MINUTES"); do
  for face in chatwoot neutral; do
    FLOW_FACE=$face FLOW_TAG="soak$m$face$RANDOM" FLOW_ACKED="$work/acked-$m-$face.txt" FLOW_ACCOUNT="$ACCOUNT" \
      FLOW_INBOX="$INBOX" FLOW_TEAM="$TEAM" FLOW_ADMIN="$ADMIN" FLOW_BOT="$BOT" FLOW_AGENT="$AGENT" \
      wrk -t"$FC" -c"$FC" -d"${SECONDS_PER}s" --timeout 10s -s bench/soak_flow.lua "$MOCK_URL" >"$work/wrk-$m-$face.txt" 2>&1 &
    eval "WRK_$face=\$!"
  done
  wait "$WRK_chatwoot" "$WRK_neutral" || true
  mock_alive soak.sh || exit 2
  rss=$(rss_mb "$MOCK_PID")
  anon=$(anon_mb "$MOCK_PID")
  wal=$(( $(stat -c %s "$db-wal" 2>/dev/null || echo 0) / 1048576 ))
  dbmb=$(( $(stat -c %s "$db" 2>/dev/null || echo 0) / 1048576 ))
  flows=0 s5=0 bad=0 sock=0 fp99=0
  for face in chatwoot neutral; do
    out=$(cat "$work/wrk-$m-$face.txt")
    fr=$(grep '^FLOW_RESULT' <<<"$out" || true)
    sr=$(grep '^SOAK_RESULT' <<<"$out" || true)
    [ -n "$sr" ] || { echo "soak.sh: wrk ($face, minute $m) gave no result:" >&2; cat "$work/wrk-$m-$face.txt" >&2; exit 2; }
    grep 'unexpected answer' <<<"$out" | sed "s/^/  $face minute $m: /" >&2 || true
    flows=$(( flows + $(field "$fr" flows) ))
    s5=$(( s5 + $(field "$sr" s5xx) ))
    bad=$(( bad + $(field "$sr" other_non2xx) ))
    sock=$(( sock + $(field "$sr" socket_errors) ))
    fp99=$(awk -v a="$fp99" -v b="$(field "$fr" p99)" 'BEGIN { print (b > a) ? b : a }')
    eval "rp99_$face=$(field "$sr" req_p99_ms)"
  done
  printf '%-6s %8s %7s %11s %11s %10s %5s %9s %9s %8s %7s %7s\n' "$m" "$rss" "$flows" "$rp99_chatwoot" "$rp99_neutral" "$fp99" "$s5" "$bad" "$sock" "$anon" "$wal" "$dbmb"
  echo "$m $rss $flows $rp99_chatwoot $rp99_neutral $fp99 $s5 $bad $sock $anon $wal" >>"$rows"
done

stop_pid "$SIDE_PID"
SIDE_PID=""
grep '^side: end' "$work/side.log" || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work"/acked-*.txt >"$work/acked-all.txt"
stop_pid "$MOCK_PID"   # stopped first, so the check reads what the process left on disk
MOCK_PID=""
check=$(python3 bench/flow_check.py "$db" "$work/acked-all.txt")
echo "$check"
lost=$(sed -n 's/^lost = //p' <<<"$check")

echo "== targets"
awk -v lost="$lost" '
  { rss[NR] = $2; anon[NR] = $10; if ($11 > wal) wal = $11; s5 += $7; flows += $3; if ($4 > p) p = $4; if ($5 > p) p = $5 }
  END {
    base = rss[1]; lo = base; hi = base
    for (i = 1; i <= NR; i++) { if (rss[i] < lo) lo = rss[i]; if (rss[i] > hi) hi = rss[i] }
    flat = (hi <= base * 1.2 && lo >= base * 0.8)
    printf "RSS flat (every minute within 20%% of minute 1, %.1f MB): min %.1f, max %.1f MB (%+.1f%%): %s\n", base, lo, hi, (hi - base) * 100 / base, flat ? "MET" : "MISSED"
    printf "  (growth only: highest minute %+.1f%% over minute 1, limit +20%%: %s; minute %d %+.1f%% over minute 1)\n", (hi - base) * 100 / base, hi <= base * 1.2 ? "within" : "beyond", NR, (rss[NR] - base) * 100 / base
    alo = anon[1]; ahi = anon[1]
    for (i = 1; i <= NR; i++) { if (anon[i] < alo) alo = anon[i]; if (anon[i] > ahi) ahi = anon[i] }
    printf "  (for the reading: RSS is VmRSS, which counts the database file SQLite maps, up to its mmap_size, and the binary; the process'"'"'s own memory, RssAnon, was %.1f-%.1f MB, minute 1 %.1f MB, highest %+.1f%%)\n", alo, ahi, anon[1], (ahi - anon[1]) * 100 / anon[1]
    printf "write-ahead log at most 256 MB at the end of every minute: largest %d MB: %s\n", wal, wal <= 256 ? "MET" : "MISSED"
    printf "5xx answers: %d: %s\n", s5, s5 == 0 ? "MET" : "MISSED"
    printf "lost acknowledged writes: %s: %s\n", lost, lost == 0 ? "MET" : "MISSED"
    printf "(flows completed: %d; worst per-request p99 of a minute: %.2f ms)\n", flows, p
  }' "$rows"
