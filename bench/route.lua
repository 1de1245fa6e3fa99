-- wrk: one route of the handoff flow, configured by the environment (bench/routes.sh sets it).
--   ROUTE_METHOD   GET or POST (default GET)
--   ROUTE_PATH     path template, e.g. /v1/conversations/{id}/messages
--   ROUTE_BODY     body template (JSON); none for GET or when empty
--   ROUTE_AUTH     one header line, e.g. "Authorization: Bearer dev-token" or "api_access_token: bot-token"
--   ROUTE_POOL     file of ids, one a line, that {id} takes in turn (each thread takes every n-th line)
--   ROUTE_POOL_MODE  cycle (default: ids are reused round robin) or once (each id once: a state change
--                  that happens once per conversation); in once mode the run stops when the pool is used up
--   ROUTE_THREADS  wrk's -t (default 2), for the once-mode stop
--   BENCH_TMP      directory for the stop markers (default /tmp)
-- Placeholders: {id} the pool id, {u} a string unique per request (thread, run tag, counter), {n} the counter.
-- The once-mode stop is count.lua's: the last thread to use up its share sends wrk SIGINT, which ends
-- the run and still prints the report (requests / elapsed time), so the rate is over the time it ran.
local method = os.getenv("ROUTE_METHOD") or "GET"
local path_template = os.getenv("ROUTE_PATH") or "/"
local body_template = os.getenv("ROUTE_BODY") or ""
local auth = os.getenv("ROUTE_AUTH") or "Authorization: Bearer dev-token"
local pool_file = os.getenv("ROUTE_POOL") or ""
local once = (os.getenv("ROUTE_POOL_MODE") or "cycle") == "once"
local threads = tonumber(os.getenv("ROUTE_THREADS") or "2")
local tag = os.getenv("ROUTE_TAG") or tostring(os.time())
local tmp = os.getenv("BENCH_TMP") or "/tmp"

local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local thread_id = 0
local pool = {}
local position = 0
local counter = 0
local done = 0
local pid

local function marker(i)
  return string.format("%s/wrk-route-%d-%d", tmp, pid, i)
end

function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
  local stat = io.open("/proc/self/stat")
  pid = stat:read("*n")
  stat:close()
  local name, value = auth:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
  if body_template ~= "" then wrk.headers["Content-Type"] = "application/json" end
  if pool_file ~= "" then
    local line_number = 0
    for line in io.lines(pool_file) do
      if line ~= "" then
        if line_number % threads == thread_id then pool[#pool + 1] = line end
        line_number = line_number + 1
      end
    end
    if #pool == 0 then error("route.lua: no ids for thread " .. thread_id .. " in " .. pool_file) end
  end
end

local function fill(template, id, unique)
  return (template:gsub("{(%a+)}", function(key)
    if key == "id" then return id elseif key == "u" then return unique elseif key == "n" then return tostring(counter) end
  end))
end

function request()
  counter = counter + 1
  local id = ""
  if #pool > 0 then
    position = position + 1
    if position > #pool then position = once and #pool or 1 end
    id = pool[position]
  end
  local unique = string.format("t%d-%s-%d", thread_id, tag, counter)
  local body = nil
  if body_template ~= "" then body = fill(body_template, id, unique) end
  return wrk.format(method, fill(path_template, id, unique), nil, body)
end

-- Defined only in once mode: wrk then parses no bodies for the other routes.
local function counted(status, headers, body)
  done = done + 1
  if done ~= #pool then return end
  io.open(marker(thread_id), "w"):close()
  local all = true
  for i = 0, threads - 1 do
    local f = io.open(marker(i))
    if f then f:close() else all = false end
  end
  if all then
    for i = 0, threads - 1 do os.remove(marker(i)) end
    io.popen("kill -INT " .. pid):close()
  end
  wrk.thread:stop()
end

if once then response = counted end
