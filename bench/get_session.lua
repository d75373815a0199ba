-- wrk script for bench/: GET <prefix><line> rotating through the lines of a file, with one
-- header; done() prints the figures as one JSON line. A line is a path suffix (a session
-- id), or a suffix, a tab and that request's own header value (a bearer token, say).
-- Usage: wrk ... -s get_session.lua <url> -- <lines file> <path prefix> <header value> [name]

local paths, values, next_line, prefix, name = {}, {}, 0, "", "Authorization"

function init(args)
  for line in io.lines(args[1]) do
    local tab = string.find(line, "\t", 1, true)
    if tab then
      paths[#paths + 1] = string.sub(line, 1, tab - 1)
      values[#values + 1] = string.sub(line, tab + 1)
    else
      paths[#paths + 1] = line
      values[#values + 1] = args[3]
    end
  end
  prefix = args[2]
  name = args[4] or name
end

function request()
  next_line = next_line % #paths + 1
  return wrk.format("GET", prefix .. paths[next_line], { [name] = values[next_line] })
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
