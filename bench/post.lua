-- wrk: POST a message into one conversation, each with a unique clientMessageId.
--   wrk -t2 -c16 -d10s --latency -s bench/post.lua URL/v1/conversations/cnv_1/messages
local counter = 0
local thread_id = 0
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer dev-token"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"author":"user","text":"benchmark message %d","clientMessageId":"b%d-%d-%d"}',
    counter, thread_id, os.time(), counter)
  return wrk.format(nil, nil, nil, body)
end
