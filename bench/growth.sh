#!/usr/bin/env bash
# p99 of message POST and message list with 10k vs 1M stored messages (release mock, file database).
# The database is made by the mock (schema, seed, one user, cnv_1), then filled with sqlite3:
# 100 conversations of SIZE/100 messages each, cnv_1 among them.
#   bench/growth.sh [10000 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_tools

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 1000000)
work=$(mktemp -d)
trap '[ -n "${MOCK_PID:-}" ] && stop_pid "$MOCK_PID"; rm -rf "$work"' EXIT

for size in "${sizes[@]}"; do
  db="$work/growth-$size.sqlite"
  start_handoff --db "$db"
  user=$(curl -fs -H "$AUTH" -d '{"externalId":"growth"}' "$MOCK_URL/v1/users" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  curl -fs -o /dev/null -H "$AUTH" -d "{\"userId\":\"$user\"}" "$MOCK_URL/v1/conversations"
  stop_pid "$MOCK_PID"
  per=$(( size / 100 ))
  started=$(date +%s.%N)
  sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM c WHERE i < 100)
INSERT INTO conversations (workspace_id, number, user_id, state, context, last_seq, created_at, updated_at)
SELECT 1, i, 1, 'bot', '{}', $per, 0, 0 FROM c;
UPDATE workspaces SET next_conversation_number = 101 WHERE id = 1;
UPDATE conversations SET last_seq = $per WHERE id = 1;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $per)
INSERT INTO messages (conversation_id, seq, author, visibility, text, created_at)
SELECT c.id, s.i, 'user', 'public', 'seeded message ' || s.i, 0 FROM conversations c, s;
COMMIT;
SQL
  rows=$(sqlite3 "$db" 'SELECT COUNT(*) FROM messages')
  echo "growth: seeded $rows messages in $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s ($(du -h "$db" | cut -f1))"
  start_handoff --db "$db"
  # Saturated (-t2 -c16, as the throughput figures): p99 is mostly queueing on 2 shared cores.
  BENCH_MAX_SEQ=$per run_wrk_cpu "growth: list   with $rows stored, -c16" "$MOCK_URL/v1/conversations/cnv_1/messages" -s bench/list.lua
  eval "LIST_P99_$size=$WRK_P99 LIST_CPU_$size=$WRK_CPU_US"
  run_wrk_cpu "growth: POST   with $rows stored, -c16" "$MOCK_URL/v1/conversations/cnv_1/messages" -s bench/post.lua
  eval "POST_P99_$size=$WRK_P99 POST_CPU_$size=$WRK_CPU_US"
  # Unsaturated (-t1 -c2): p99 is the service time, which is what grows with the store.
  BENCH_MAX_SEQ=$per WRK_THREADS=1 WRK_CONNECTIONS=2 run_wrk "growth: list   with $rows stored, -c2 " "$MOCK_URL/v1/conversations/cnv_1/messages" -s bench/list.lua
  eval "LIST2_P99_$size=$WRK_P99"
  WRK_THREADS=1 WRK_CONNECTIONS=2 run_wrk "growth: POST   with $rows stored, -c2 " "$MOCK_URL/v1/conversations/cnv_1/messages" -s bench/post.lua
  eval "POST2_P99_$size=$WRK_P99"
  stop_pid "$MOCK_PID"
  MOCK_PID=""
done

if [ ${#sizes[@]} -eq 2 ]; then
  a=${sizes[0]} b=${sizes[1]}
  eval "la=\$LIST_P99_$a lb=\$LIST_P99_$b pa=\$POST_P99_$a pb=\$POST_P99_$b"
  echo "growth: list p99 (-c16) $la ms → $lb ms: ×$(ratio "$lb" "$la")"
  echo "growth: POST p99 (-c16) $pa ms → $pb ms: ×$(ratio "$pb" "$pa")"
  eval "la=\$LIST2_P99_$a lb=\$LIST2_P99_$b pa=\$POST2_P99_$a pb=\$POST2_P99_$b"
  echo "growth: list p99 (-c2)  $la ms → $lb ms: ×$(ratio "$lb" "$la")"
  echo "growth: POST p99 (-c2)  $pa ms → $pb ms: ×$(ratio "$pb" "$pa")"
  eval "la=\$LIST_CPU_$a lb=\$LIST_CPU_$b pa=\$POST_CPU_$a pb=\$POST_CPU_$b"
  echo "growth: list CPU/request $la µs → $lb µs: ×$(ratio "$lb" "$la")"
  echo "growth: POST CPU/request $pa µs → $pb µs: ×$(ratio "$pb" "$pa")"
fi
