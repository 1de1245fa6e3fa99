-- wrk: the whole handoff flow, one flow after another on each connection. Run it with as many threads
-- as connections (wrk -t16 -c16): wrk keeps one Lua state per thread, so with one connection per
-- thread each state is one client going through its flows in order.
--   FLOW_FACE=chatwoot (default): contact → conversation (bot inbox: pending) → 5 messages (incoming and
--     outgoing, bot token) → assignment to team 2 → toggle_status open by the bot (the handoff) → an
--     outgoing message with the agent's token (the agent's reply) → toggle_status resolved by the agent →
--     POST /v1/conversations/cnv_N/close by the bot on the neutral face (Chatwoot itself has no close).
--   FLOW_FACE=neutral: user → conversation → 5 messages (user and bot) → transfer to Billing → accept →
--     agent reply → resolve (control API, agent token) → close (bot token).
--   FLOW_ACKED   file to write every acknowledged write to ("kind id [conversation]"), for the lost check
--   FLOW_TAG     a run tag that keeps identifiers unique across runs on one database
--   FLOW_ACCOUNT Chatwoot account id (default 1), FLOW_INBOX inbox id (default 1), FLOW_TEAM team id (2),
--   FLOW_ADMIN / FLOW_BOT / FLOW_AGENT tokens (dev-token, bot-token, agent-token)
-- At the end it prints flows/s and the latency of a whole flow (p50, p99, max), from its first request
-- to the answer to its last, measured with clock_gettime(CLOCK_MONOTONIC) through LuaJIT's FFI.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local face = os.getenv("FLOW_FACE") or "chatwoot"
local tag = os.getenv("FLOW_TAG") or tostring(os.time())
local account = os.getenv("FLOW_ACCOUNT") or "1"
local inbox = os.getenv("FLOW_INBOX") or "1"
local team = os.getenv("FLOW_TEAM") or "2"
local admin = os.getenv("FLOW_ADMIN") or "dev-token"
local bot = os.getenv("FLOW_BOT") or "bot-token"
local agent = os.getenv("FLOW_AGENT") or "agent-token"
local base = "/api/v1/accounts/" .. account

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

-- Per thread (= per connection).
thread_id = 0
lat = {}          -- milliseconds per completed flow
acked = {}        -- "kind id [conversation]" per acknowledged write
failed = 0        -- flows abandoned on an unexpected answer
samples = {}      -- the first few unexpected answers
local step = 1
local flow = 0
local started = 0
local ids = {}

local function cw(token) return { ["api_access_token"] = token, ["Content-Type"] = "application/json" } end
local function bearer(token) return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" } end

-- Each step: a request builder and a handler of the 2xx answer (returns false if the answer is unusable).
local steps
if face == "chatwoot" then
  local function message(kind, token)
    return {
      function()
        return wrk.format("POST", base .. "/conversations/" .. ids.conversation .. "/messages", cw(token),
          string.format('{"content":"%s %s step %d","message_type":"%s"}', kind, ids.unique, step, kind))
      end,
      function(body)
        local id = body:match('"id":(%d+),"inbox_id"')
        if not id then return false end
        acked[#acked + 1] = "message " .. id .. " " .. ids.conversation
        return true
      end,
    }
  end
  local function toggle(status, token, kind)
    return {
      function()
        return wrk.format("POST", base .. "/conversations/" .. ids.conversation .. "/toggle_status", cw(token),
          '{"status":"' .. status .. '"}')
      end,
      function(body)
        if not body:find('"current_status":"' .. status .. '"', 1, true) then return false end
        acked[#acked + 1] = kind .. " " .. ids.conversation
        return true
      end,
    }
  end
  steps = {
    {
      function()
        return wrk.format("POST", base .. "/contacts", cw(admin),
          string.format('{"name":"Flow %s","identifier":"flow-%s","inbox_id":%s}', ids.unique, ids.unique, inbox))
      end,
      function(body)
        ids.contact = body:match('"id":(%d+),"identifier":"flow%-' .. ids.unique:gsub("%-", "%%-") .. '"')
        if not ids.contact then return false end
        acked[#acked + 1] = "contact " .. ids.contact
        return true
      end,
    },
    {
      function()
        return wrk.format("POST", base .. "/conversations", cw(bot),
          string.format('{"inbox_id":%s,"contact_id":%s}', inbox, ids.contact))
      end,
      function(body)
        ids.conversation = body:match('"id":(%d+),"inbox_id"')
        if not ids.conversation then return false end
        acked[#acked + 1] = "conversation " .. ids.conversation
        return true
      end,
    },
    message("incoming", bot), message("outgoing", bot), message("incoming", bot), message("outgoing", bot),
    message("incoming", bot),
    {
      function()
        return wrk.format("POST", base .. "/conversations/" .. ids.conversation .. "/assignments", cw(bot),
          '{"team_id":' .. team .. '}')
      end,
      function(body)
        if not body:find('"id":' .. team .. ',', 1, true) then return false end
        acked[#acked + 1] = "team " .. ids.conversation
        return true
      end,
    },
    toggle("open", bot, "handoff"),
    message("outgoing", agent),
    toggle("resolved", agent, "resolve"),
    {
      function()
        return wrk.format("POST", "/v1/conversations/cnv_" .. ids.conversation .. "/close", bearer(bot), nil)
      end,
      function(body)
        if not body:find('"number":' .. ids.conversation .. ',', 1, true) or not body:find('"state":"closed"', 1, true) then
          return false
        end
        acked[#acked + 1] = "close " .. ids.conversation
        return true
      end,
    },
  }
else
  local function message(author)
    return {
      function()
        return wrk.format("POST", "/v1/conversations/cnv_" .. ids.conversation .. "/messages", bearer(bot),
          string.format('{"author":"%s","text":"%s %s step %d","clientMessageId":"flow-%s-%d"}', author, author,
            ids.unique, step, ids.unique, step))
      end,
      function(body)
        local id = body:match('"id":"msg_(%d+)"')
        if not id then return false end
        acked[#acked + 1] = "message " .. id .. " " .. ids.conversation
        return true
      end,
    }
  end
  local function control(action, kind, state, body)
    return {
      function()
        return wrk.format("POST", "/mock/v1/conversations/cnv_" .. ids.conversation .. "/" .. action, bearer(agent), body)
      end,
      function(answer)
        if state and not answer:find('"state":"' .. state .. '"', 1, true) then return false end
        if kind == "message" then
          local id = answer:match('"id":"msg_(%d+)"')
          if not id then return false end
          acked[#acked + 1] = "message " .. id .. " " .. ids.conversation
        else
          acked[#acked + 1] = kind .. " " .. ids.conversation
        end
        return true
      end,
    }
  end
  steps = {
    {
      function()
        return wrk.format("POST", "/v1/users", bearer(bot), string.format('{"externalId":"flow-%s"}', ids.unique))
      end,
      function(body)
        ids.user = body:match('"id":"usr_(%d+)"')
        if not ids.user then return false end
        acked[#acked + 1] = "contact " .. ids.user
        return true
      end,
    },
    {
      function()
        return wrk.format("POST", "/v1/conversations", bearer(bot), '{"userId":"usr_' .. ids.user .. '"}')
      end,
      function(body)
        -- The neutral id is the row id; the lost check compares the number (the Chatwoot id) like the other face.
        ids.conversation = body:match('"number":(%d+)')
        if not ids.conversation or not body:find('"id":"cnv_' .. ids.conversation .. '"', 1, true) then return false end
        acked[#acked + 1] = "conversation " .. ids.conversation
        return true
      end,
    },
    message("user"), message("bot"), message("user"), message("bot"), message("user"),
    {
      function()
        return wrk.format("POST", "/v1/conversations/cnv_" .. ids.conversation .. "/transfer", bearer(bot),
          '{"teamId":"team_' .. team .. '"}')
      end,
      function(body)
        if not body:find('"outcome":"transferred"', 1, true) then return false end
        acked[#acked + 1] = "team " .. ids.conversation
        acked[#acked + 1] = "handoff " .. ids.conversation
        return true
      end,
    },
    control("accept", "accept", "assigned", "{}"),
    control("reply", "message", nil, '{"text":"agent reply"}'),
    control("resolve", "resolve", "resolved", nil),
    {
      function()
        return wrk.format("POST", "/v1/conversations/cnv_" .. ids.conversation .. "/close", bearer(bot), nil)
      end,
      function(body)
        if not body:find('"state":"closed"', 1, true) then return false end
        acked[#acked + 1] = "close " .. ids.conversation
        return true
      end,
    },
  }
end

function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
end

local function begin()
  flow = flow + 1
  step = 1
  ids = { unique = string.format("%s-%d-%d", tag, thread_id, flow) }
  started = now_ms()
end

function request()
  if step == 1 or ids.unique == nil then begin() end
  return steps[step][1]()
end

function response(status, headers, body)
  if status >= 200 and status < 300 and steps[step][2](body) then
    if step == #steps then
      lat[#lat + 1] = now_ms() - started
      step = 1
    else
      step = step + 1
    end
    return
  end
  failed = failed + 1
  if #samples < 3 then samples[#samples + 1] = string.format("step %d: %d %s", step, status, body:sub(1, 200)) end
  step = 1
end

function done(summary, latency, requests)
  local all, writes, failures, shown = {}, {}, 0, {}
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("lat")) do all[#all + 1] = v end
    for _, v in ipairs(thread:get("acked")) do writes[#writes + 1] = v end
    failures = failures + thread:get("failed")
    for _, v in ipairs(thread:get("samples")) do if #shown < 3 then shown[#shown + 1] = v end end
  end
  table.sort(all)
  local function pct(p)
    if #all == 0 then return 0 end
    return all[math.max(1, math.ceil(#all * p))]
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("flow %s: %d flows in %.2f s = %.1f flows/s; per flow p50 %.2f ms, p99 %.2f ms, max %.2f ms; " ..
    "%d requests (%d non-2xx, %d socket errors); %d flows abandoned\n", face, #all, seconds, #all / seconds, pct(0.5),
    pct(0.99), all[#all] or 0, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, failures))
  io.write(string.format("FLOW_RESULT flows=%d seconds=%.3f rate=%.1f p50=%.2f p99=%.2f abandoned=%d\n", #all, seconds,
    #all / seconds, pct(0.5), pct(0.99), failures))
  for _, v in ipairs(shown) do io.write("  unexpected answer at " .. v .. "\n") end
  local out = os.getenv("FLOW_ACKED")
  if out then
    local f = io.open(out, "w")
    for _, v in ipairs(writes) do f:write(v, "\n") end
    f:close()
  end
end
