#!/usr/bin/env bash
# The speed figures of BENCHMARKS.md, side by side with the Pact stub server, in one run:
# start-up, GET throughput, durable POST throughput, idle RSS; then RSS over 100k requests,
# p99 growth from 10k to 1M messages, and the conformance suite's wall time.
#   swift build -c release --static-swift-stdlib && bench/run.sh   (BENCH_DURATION=10s by default)
# wrk, the servers and this script share the machine; everything stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_tools
PACT_FILE=bench/pact/handoff.json
work=$(mktemp -d)
cleanup() {
  [ -n "${MOCK_PID:-}" ] && stop_pid "$MOCK_PID"
  [ -n "${PACT_PID:-}" ] && stop_pid "$PACT_PID"
  rm -rf "$work"
}
trap cleanup EXIT

echo "== machine"
echo "cpu: $(nproc) × $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB"
echo "kernel: $(uname -r); $("$HANDOFF" --version 2>/dev/null || echo handoff) ($HANDOFF); pact: $("$PACT" stub --version 2>&1 | head -n1)"
echo "wrk: $(wrk --version 2>&1 | head -n1)"
echo "load before the run (other sessions share this machine): $(uptime | sed "s/.*load average/load average/")"

echo "== start-up to the first 2xx (GET /v1/teams)"
ours=$(python3 bench/startup.py --runs 15 --name handoff --path /v1/teams --header "$AUTH" -- \
  "$HANDOFF" mock --port '{port}' --in-memory)
echo "$ours"
theirs=$(python3 bench/startup.py --runs 15 --name pact-stub --path /v1/teams --header "$AUTH" -- \
  "$PACT" stub -f "$PACT_FILE" -p '{port}' -l error)
echo "$theirs"
start_ours=$(sed 's/.*median \([0-9.]*\) ms.*/\1/' <<<"$ours")
start_theirs=$(sed 's/.*median \([0-9.]*\) ms.*/\1/' <<<"$theirs")

echo "== servers"
start_handoff --db "$work/bench.sqlite"
start_pact "$PACT_FILE"
echo "handoff $MOCK_URL (pid $MOCK_PID, file database), pact stub $PACT_URL (pid $PACT_PID)"
sleep 1
idle_ours=$(rss_mb "$MOCK_PID")
idle_theirs=$(rss_mb "$PACT_PID")
echo "idle RSS: handoff $idle_ours MB, pact-stub $idle_theirs MB"
echo "idle RSS split: handoff $(rss_split "$MOCK_PID"); pact-stub $(rss_split "$PACT_PID")"
user=$(curl -fs -H "$AUTH" -d '{"externalId":"bench"}' "$MOCK_URL/v1/users" | sed 's/.*"id":"\([^"]*\)".*/\1/')
conversation=$(curl -fs -H "$AUTH" -d "{\"userId\":\"$user\"}" "$MOCK_URL/v1/conversations" | sed 's/.*"id":"\(cnv_[^"]*\)".*/\1/')
[ "$conversation" = cnv_1 ] || { echo "bench: expected cnv_1, got $conversation" >&2; exit 2; }

echo "== wrk -t2 -c16 -d${BENCH_DURATION:-10s} GET /v1/teams"
run_wrk "handoff  " "$MOCK_URL/v1/teams"; get_ours=$WRK_RPS get_ours_p99=$WRK_P99
run_wrk "pact-stub" "$PACT_URL/v1/teams"; get_theirs=$WRK_RPS get_theirs_p99=$WRK_P99

echo "== wrk -t2 -c16 -d${BENCH_DURATION:-10s} POST /v1/conversations/cnv_1/messages (unique clientMessageId)"
run_wrk "handoff  " "$MOCK_URL/v1/conversations/cnv_1/messages" -s bench/post.lua; post_ours=$WRK_RPS post_ours_p99=$WRK_P99
run_wrk "pact-stub" "$PACT_URL/v1/conversations/cnv_1/messages" -s bench/post.lua; post_theirs=$WRK_RPS post_theirs_p99=$WRK_P99
echo "messages stored by handoff: $(sqlite3 "$work/bench.sqlite" 'SELECT COUNT(*) FROM messages')"
stop_pid "$PACT_PID"; PACT_PID=""

echo "== conformance suite wall time (handoff conform --target, hyperfine)"
hyperfine --warmup 1 --runs 5 --style basic --export-json "$work/conform.json" \
  "$HANDOFF conform --target $MOCK_URL" | sed -n '1,4p'
conform=$(python3 -c "import json,sys; print('%.2f' % json.load(open(sys.argv[1]))['results'][0]['median'])" "$work/conform.json")
stop_pid "$MOCK_PID"; MOCK_PID=""

echo "== RSS over 100k requests"
bench/rss.sh | tee "$work/rss.txt"
echo "== p99 growth, 10k → 1M messages"
bench/growth.sh | tee "$work/growth.txt"

echo "== summary (ours | pact-stub | ours/pact)"
printf '%-34s %12s %12s %8s\n' "start-up to first 2xx (ms)" "$start_ours" "$start_theirs" "$(ratio "$start_ours" "$start_theirs")"
printf '%-34s %12s %12s %8s\n' "GET teams (req/s)" "$get_ours" "$get_theirs" "$(ratio "$get_ours" "$get_theirs")"
printf '%-34s %12s %12s %8s\n' "GET teams p99 (ms)" "$get_ours_p99" "$get_theirs_p99" "$(ratio "$get_ours_p99" "$get_theirs_p99")"
printf '%-34s %12s %12s %8s\n' "POST message (req/s)" "$post_ours" "$post_theirs" "$(ratio "$post_ours" "$post_theirs")"
printf '%-34s %12s %12s %8s\n' "POST message p99 (ms)" "$post_ours_p99" "$post_theirs_p99" "$(ratio "$post_ours_p99" "$post_theirs_p99")"
printf '%-34s %12s %12s %8s\n' "idle RSS (MB)" "$idle_ours" "$idle_theirs" "$(ratio "$idle_ours" "$idle_theirs")"
printf '%-34s %12s %12s %8s\n' "conformance suite wall (s, median)" "$conform" "n/a" "-"
grep -h "growth over\|growth: list p99\|growth: POST p99" "$work/rss.txt" "$work/growth.txt" || true
echo "load after the run: $(uptime | sed "s/.*load average/load average/")"
