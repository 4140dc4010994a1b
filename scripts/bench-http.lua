-- wrk script for scripts/bench-http.sh: GET the target URL, optionally with one bearer token per request picked
-- round-robin from a token table, and count every response whose status is not 2xx.
--   wrk ... -s scripts/bench-http.lua URL                 plain GETs (the nginx ceiling)
--   TWINOPS_BENCH_TOKENS=FILE wrk ... -s scripts/bench-http.lua URL
-- FILE is a Lua chunk returning an array of access tokens ("return { 'eyJ…', … }").
-- done() prints one machine-readable line, "bench-http: requests=… rps=… p50_us=… p99_us=… non2xx=… …",
-- which bench-http.sh parses.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local next_request = 1
non2xx = 0 -- global, so that done() can read it through thread:get()

function init(args)
  local file = os.getenv("TWINOPS_BENCH_TOKENS")
  local tokens = {}
  if file and file ~= "" then
    tokens = dofile(file)
    assert(type(tokens) == "table" and #tokens > 0, "bench-http.lua: " .. file .. " holds no tokens")
  end
  if #tokens == 0 then
    requests[1] = wrk.format("GET", wrk.path)
  else
    -- Requests are formatted once here; request() only cycles through them. Each thread starts at a
    -- different token so that the threads do not walk the table in lock-step.
    for i = 1, #tokens do
      requests[i] = wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. tokens[i] })
    end
    next_request = ((thread_index or 0) * math.floor(#tokens / 2)) % #tokens + 1
  end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function response(status, headers, body)
  if status < 200 or status >= 300 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests_)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "bench-http: requests=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d non2xx=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d bytes_per_response=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(99), latency.max,
    bad, e.connect, e.read, e.write, e.timeout, summary.requests > 0 and math.floor(summary.bytes / summary.requests) or 0))
end
