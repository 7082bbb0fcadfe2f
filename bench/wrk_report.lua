-- wrk script for bench/load.py: counts responses by status class per thread and prints one
-- JSON line at the end (prefixed with "RESULT ") with throughput, latency percentiles (ms,
-- measured by wrk) and errors = non-2xx responses + socket errors (connect/read/write/timeout).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok2xx, non2xx = 0, 0
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("ok2xx")
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.2f, "ok_2xx": %d, "non_2xx": %d, ' ..
    '"socket_errors": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "bytes": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, ok, bad, socket_errors,
    e.connect, e.read, e.write, e.timeout, summary.bytes))
end
