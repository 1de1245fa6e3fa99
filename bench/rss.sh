#!/usr/bin/env bash
# Bounded memory: RSS of the release mock (file database) after a warm-up and after each of two
# batches of 50,000 requests (half GET /v1/teams, half durable message POSTs), 100,000 in all.
#   bench/rss.sh            (needs swift build -c release --static-swift-stdlib; installs wrk when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_tools

db=$(mktemp -d)/rss.sqlite
start_handoff --db "$db"
trap 'stop_pid "$MOCK_PID"; rm -f "$db" "$db"-wal "$db"-shm' EXIT
user=$(curl -fs -H "$AUTH" -d '{"externalId":"rss"}' "$MOCK_URL/v1/users" | sed 's/.*"id":"\([^"]*\)".*/\1/')
conversation=$(curl -fs -H "$AUTH" -d "{\"userId\":\"$user\"}" "$MOCK_URL/v1/conversations" | sed 's/.*"id":"\(cnv_[^"]*\)".*/\1/')
echo "rss: mock $MOCK_URL, pid $MOCK_PID, conversation $conversation, database $db"
echo "rss: idle after start: $(rss_mb "$MOCK_PID") MB"

# -d40s bounds a batch: wrk now and then misses the stop signal of count.lua and would run to -d
# (50,000 requests take 5–7 s here); the "requests in" line says how many were sent.
batch() {
  BENCH_REQUESTS=$1 BENCH_CONVERSATION=$conversation \
    wrk -t2 -c16 -d40s -s bench/count.lua "$MOCK_URL" | awk '/requests in/ { print "rss:   " $0 }'
}
batch 10000
warm=$(rss_mb "$MOCK_PID")
echo "rss: after 10,000 warm-up requests: $warm MB"
batch 50000
mid=$(rss_mb "$MOCK_PID")
echo "rss: after 50,000 more: $mid MB"
batch 50000
end=$(rss_mb "$MOCK_PID")
echo "rss: after 100,000 more: $end MB"
stored=$(curl -fs -H "$AUTH" "$MOCK_URL/v1/conversations/$conversation/messages?after=0&limit=1" >/dev/null && sqlite3 "$db" 'SELECT COUNT(*) FROM messages')
echo "rss: messages stored: $stored"
echo "rss: growth over 100,000 requests: $(awk -v a="$warm" -v b="$end" 'BEGIN { printf "%+.1f MB (%+.1f%%)", b - a, (b - a) * 100 / a }')"
