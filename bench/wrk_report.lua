-- bench/load.py's wrk script: stops each thread after WRK_MAX_REQUESTS responses (0: no limit,
-- wrk's -d bounds the time), sends WRK_HEADER ("Name: value") when set, and prints one JSON line
-- with the figures load.py reads (latencies in microseconds).
local max_requests = tonumber(os.getenv("WRK_MAX_REQUESTS") or "0")
local header = os.getenv("WRK_HEADER") or ""
local count = 0

init = function(args)
  if header ~= "" then
    local name, value = header:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

response = function(status, headers, body)
  count = count + 1
  if max_requests > 0 and count >= max_requests then
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
