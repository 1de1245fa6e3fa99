-- wrk: bench/flow.lua unchanged, plus what bench/soak.sh needs per minute: the count of 5xx answers and the
-- per-request p99 (ms). Same environment as bench/flow.lua; prints one extra line:
--   SOAK_RESULT requests=N s5xx=N other_non2xx=N socket_errors=N req_p99_ms=X
dofile("bench/flow.lua")

local soak_threads = {}
local flow_setup = setup
function setup(thread)
  soak_threads[#soak_threads + 1] = thread
  flow_setup(thread)
end

s5xx = 0
other_bad = 0
local flow_response = response
function response(status, headers, body)
  if status >= 500 then
    s5xx = s5xx + 1
  elseif status < 200 or status >= 300 then
    other_bad = other_bad + 1
  end
  flow_response(status, headers, body)
end

local flow_done = done
function done(summary, latency, requests)
  flow_done(summary, latency, requests)
  local n5, nb = 0, 0
  for _, thread in ipairs(soak_threads) do
    n5 = n5 + thread:get("s5xx")
    nb = nb + thread:get("other_bad")
  end
  local e = summary.errors
  io.write(string.format("SOAK_RESULT requests=%d s5xx=%d other_non2xx=%d socket_errors=%d req_p99_ms=%.2f\n",
    summary.requests, n5, nb, e.connect + e.read + e.write + e.timeout, latency:percentile(99) / 1000))
end
