-- wrk script for bench/: GET <prefix><line> rotating through the lines of a file, with one
-- header; done() prints the figures as one JSON line. A line is a path suffix (a session
-- id), or a suffix, a tab and that request's own header value (a bearer token, say).
-- Each request is formatted once, in init: formatting it in request() every time cost wrk
-- a quarter more CPU (37-40 against 29-30 us a request), which it shares on two cores with
-- the workers it measures.
-- Usage: wrk ... -s get_session.lua <url> -- <lines file> <path prefix> <header value> [name]

local requests, next_line = {}, 0

function init(args)
  local prefix, name = args[2], args[4] or "Authorization"
  for line in io.lines(args[1]) do
    local path, value = line, args[3]
    local tab = string.find(line, "\t", 1, true)
    if tab then
      path, value = string.sub(line, 1, tab - 1), string.sub(line, tab + 1)
    end
    requests[#requests + 1] = wrk.format("GET", prefix .. path, { [name] = value })
  end
end

function request()
  next_line = next_line % #requests + 1
  return requests[next_line]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "p999": %d, "mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.mean, latency.max))
end
