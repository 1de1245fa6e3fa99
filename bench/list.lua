-- wrk: list 50 messages of one conversation from a random position.
--   BENCH_MAX_SEQ=N wrk -t2 -c16 -d10s --latency -s bench/list.lua URL/v1/conversations/cnv_1/messages
local max_seq = tonumber(os.getenv("BENCH_MAX_SEQ") or "1000")
local base

function init(args)
  base = wrk.path
  wrk.headers["Authorization"] = "Bearer dev-token"
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
  return wrk.format("GET", base .. "?limit=50&after=" .. math.random(0, math.max(0, max_seq - 50)))
end
