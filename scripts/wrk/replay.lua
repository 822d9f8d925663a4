-- Replays prepared requests, for scripts/bench.py:  wrk -s replay.lua URL -- FILE [once]
--
-- Each wrk thread reads FILE.<n> (n = 1, 2, ...), one request a line, tab-separated:
--   METHOD  PATH  BODY  Header: value  Header: value ...
-- and sends its lines in turn, starting over at the end. With "once" every line carries a
-- single-use value (a practice token that grading consumes): lines sent again are counted as
-- reused, and the server answers them 400, which the report shows as errors.
-- At the end it prints one line, "BENCH_JSON {...}", with the counts and latencies.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  requests, position, reused, wrapped = {}, 0, 0, false
  once = args[2] == "once"
  local path = args[1] .. "." .. number
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  for line in file:lines() do
    local fields = split(line)
    local headers = {}
    for i = 4, #fields do
      local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
      if name then headers[name] = value end
    end
    local body = fields[3] ~= "" and fields[3] or nil
    table.insert(requests, wrk.format(fields[1], fields[2], headers, body))
  end
  file:close()
  assert(#requests > 0, path .. " lists no requests")
end

function request()
  position = position + 1
  if position > #requests then
    position, wrapped = 1, true
  end
  if once and wrapped then
    reused = reused + 1
  end
  return requests[position]
end

function done(summary, latency, requests)
  local reused_total = 0
  for _, thread in ipairs(threads) do
    reused_total = reused_total + (thread:get("reused") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "reused": %d, "mean_us": %.1f, "p50_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors.status,
    errors.connect + errors.read + errors.write, errors.timeout, reused_total,
    latency.mean, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
