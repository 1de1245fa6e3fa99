-- wrk: alternate GET /v1/teams and POST a message (unique clientMessageId) into BENCH_CONVERSATION,
-- and stop after BENCH_REQUESTS requests in all, split over BENCH_THREADS threads (wrk's -t, default 2).
-- wrk itself only stops after -d, so the last thread to finish sends wrk SIGINT (which ends the
-- run at once and still prints the report); -d stays as the upper bound.
--   BENCH_REQUESTS=100000 BENCH_CONVERSATION=cnv_1 wrk -t2 -c16 -d120s -s bench/count.lua URL
local total = tonumber(os.getenv("BENCH_REQUESTS") or "100000")
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local conversation = os.getenv("BENCH_CONVERSATION") or "cnv_1"
local next_id = 0
local counter, done, thread_id = 0, 0, 0
local limit = math.ceil(total / threads)

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local tmp = os.getenv("BENCH_TMP") or "/tmp"
local pid

local function marker(i)
  return string.format("%s/wrk-count-%d-%d", tmp, pid, i)
end

function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
  local stat = io.open("/proc/self/stat")
  pid = stat:read("*n")
  stat:close()
  wrk.headers["Authorization"] = "Bearer dev-token"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  if counter % 2 == 0 then
    return wrk.format("GET", "/v1/teams", nil, nil)
  end
  local body = string.format('{"author":"user","text":"rss %d","clientMessageId":"rss-%d-%d-%d"}',
    counter, thread_id, os.time(), counter)
  return wrk.format("POST", "/v1/conversations/" .. conversation .. "/messages", nil, body)
end

function response(status, headers, body)
  done = done + 1
  if done ~= limit then return end
  io.open(marker(thread_id), "w"):close()
  local all = true
  for i = 0, threads - 1 do
    local f = io.open(marker(i))
    if f then f:close() else all = false end
  end
  if all then
    for i = 0, threads - 1 do os.remove(marker(i)) end
    -- Not os.execute: system() ignores SIGINT in the whole process while the command runs.
    io.popen("kill -INT " .. pid):close()
  end
  wrk.thread:stop()
end
