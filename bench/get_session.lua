-- wrk script for bench/get_session.py: GET <prefix><id> rotating through the session ids
-- in a file (one a line), with the API token; done() prints the figures as one JSON line.
-- Usage: wrk ... -s get_session.lua <url> -- <ids file> <path prefix> <SSWS token>

local ids, next_id, prefix, authorization = {}, 0, "", ""

function init(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  prefix = args[2]
  authorization = "SSWS " .. args[3]
end

function request()
  next_id = next_id % #ids + 1
  return wrk.format("GET", prefix .. ids[next_id], { Authorization = authorization })
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
