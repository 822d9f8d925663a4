-- Learners practising, for scripts/bench.py's capacity run:
--   wrk -tN -cN -s learners.lua URL -- FILE THINK_MS
-- Run with one connection per thread (-tN -cN): each thread then sends a request, waits for
-- its answer, and sends the next, so it knows which page each response belongs to.
--
-- FILE.<n> (n = 1, 2, ...) lists the thread's users, one a line: "Cookie value<TAB>CSRF token".
-- Each thread plays its users in turn, one question each: GET /practice/ (the next card, with
-- its practice token), POST reveal, POST grade (htmx, as the browser sends them); after every
-- ten questions, GET /history/ or /stats/ (in turn). Between two requests it waits THINK_MS.
-- At the end it prints "LEARNERS_JSON {...}": counts per kind, errors, practice pages that had
-- no question to answer (the user had finished the day), and latency percentiles.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

local answer = "%E9%A2%84%E8%AE%AD%E7%BB%83%E6%A8%A1%E5%9E%8B%E5%9C%A8%E5%A4%A7%E8%A7%84%E6%A8%A1%E6%95%B0%E6%8D%AE%E4%B8%8A%E8%AE%AD%E7%BB%83"

function init(args)
  users, user, step, questions = {}, 1, 0, 0
  think = tonumber(args[2]) or 0
  counts = {practice = 0, reveal = 0, grade = 0, history = 0, stats = 0}
  empty, failed, last = 0, 0, nil
  local path = args[1] .. "." .. number
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  for line in file:lines() do
    local cookie, csrf = line:match("^([^\t]+)\t(.+)$")
    if cookie then table.insert(users, {cookie = cookie, csrf = csrf}) end
  end
  file:close()
  assert(#users > 0, path .. " lists no users")
end

function delay()
  return think
end

local function post(path, fields)
  local current = users[user]
  return wrk.format("POST", path, {
    ["Cookie"] = current.cookie,
    ["X-CSRFToken"] = current.csrf,
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrfmiddlewaretoken=" .. current.csrf .. "&" .. fields)
end

local function get(path)
  return wrk.format("GET", path, {["Cookie"] = users[user].cookie})
end

function request()
  local current = users[user]
  if step == 1 and current.question then
    last = "reveal"
    return post("/practice/" .. current.question .. "/reveal/",
      "token=" .. current.token .. "&text=" .. answer)
  elseif step == 2 and current.question then
    last = "grade"
    return post("/practice/" .. current.question .. "/grade/",
      "token=" .. current.token .. "&text=" .. answer .. "&rating=3&ticked=1&ticked=2")
  elseif step == 3 then
    last = math.floor(questions / 10) % 2 == 1 and "history" or "stats"
    return get("/" .. last .. "/")
  end
  last = "practice"
  return get("/practice/")
end

function response(status, headers, body)
  counts[last] = counts[last] + 1
  if status >= 400 then failed = failed + 1 end
  local current = users[user]
  if last == "practice" then
    current.question = body:match('action="/practice/(%d+)/reveal/"')
    current.token = body:match('name="token" value="([^"]+)"')
    if not (current.question and current.token) then
      current.question = nil
      empty = empty + 1
    end
    step = current.question and 1 or 4
  elseif last == "reveal" then
    step = 2
  else
    if last == "grade" then
      questions = questions + 1
    end
    step = (last == "grade" and questions % 10 == 0) and 3 or 4
  end
  if step == 4 then
    step, user = 0, user % #users + 1
  end
end

function done(summary, latency, requests)
  local totals = {practice = 0, reveal = 0, grade = 0, history = 0, stats = 0, empty = 0, failed = 0}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for key, _ in pairs(c) do totals[key] = totals[key] + c[key] end
    totals.empty = totals.empty + thread:get("empty")
    totals.failed = totals.failed + thread:get("failed")
  end
  local errors = summary.errors
  io.write(string.format(
    'LEARNERS_JSON {"requests": %d, "duration_us": %d, "practice": %d, "reveal": %d, ' ..
    '"grade": %d, "history": %d, "stats": %d, "empty": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, totals.practice, totals.reveal, totals.grade,
    totals.history, totals.stats, totals.empty, errors.status,
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
