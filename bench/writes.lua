-- wrk script for bench/concurrency.py: every job of the file BENCH_JOBS (one per line: path, cookie and form body,
-- tab-separated) is sent once as a form POST. Job i goes to thread i mod n (n is the script's argument), so a user's
-- two copies of a form, on adjacent lines, leave from two threads at the same moment. A thread that has sent its
-- share asks for the cheapest page there is (BENCH_IDLE_PATH, a static file); when its last answers are in it leaves
-- a file in BENCH_DONE_DIR, and once both have, concurrency.py ends wrk (which would otherwise wait out -d). A thread
-- never stops by itself: a stopped thread may leave a connection open with no request on it, and a sync gunicorn
-- worker that accepted it would wait there, idle, while the other thread's forms queue for the remaining worker.
-- Prints one line: counts by status (the idle answers apart), and the seconds from the first POST to the last answer.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local function now()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, t) -- CLOCK_MONOTONIC
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) / 1e9
end

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(args[1])
  jobs, sent, answered = {}, 0, 0
  s302, s409, sother, idle = 0, 0, 0, 0
  first_sent, last_answer = 0, 0
  idle_path = os.getenv("BENCH_IDLE_PATH")
  -- wrk calls the first thread's request() once before the run, to check it, and sends nothing: give it a dummy.
  being_checked = id == 0
  local number = 0
  for line in io.lines(os.getenv("BENCH_JOBS")) do
    if number % count == id then
      local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(jobs, wrk.format("POST", path, {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }, body))
    end
    number = number + 1
  end
end

function request()
  if being_checked then
    being_checked = false
    return wrk.format("GET", idle_path)
  end
  sent = sent + 1
  if sent == 1 then
    first_sent = now()
  end
  if sent <= #jobs then
    return jobs[sent]
  end
  return wrk.format("GET", idle_path)
end

function response(status, headers, body)
  if status == 200 then
    idle = idle + 1
    return
  end
  answered = answered + 1
  if status == 302 then
    s302 = s302 + 1
  elseif status == 409 then
    s409 = s409 + 1
  else
    sother = sother + 1
  end
  if answered == #jobs then
    last_answer = now()
    io.open(os.getenv("BENCH_DONE_DIR") .. "/" .. id, "w"):close()
  end
end

function done(summary, latency, requests)
  local t = {s302 = 0, s409 = 0, sother = 0, idle = 0}
  local first, last = math.huge, 0
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do
      t[name] = t[name] + thread:get(name)
    end
    if thread:get("first_sent") > 0 then
      first = math.min(first, thread:get("first_sent"))
    end
    last = math.max(last, thread:get("last_answer"))
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("WRITES s302=%d s409=%d other=%d idle=%d errors=%d seconds=%.3f\n",
    t.s302, t.s409, t.sother, t.idle, errors, last - first))
end
