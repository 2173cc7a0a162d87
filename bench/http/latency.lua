-- wrk script: the same request over and over, reporting percentiles in a line run.sh parses.
local key = os.getenv("BENCH_API_KEY")
function request()
  return wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. key })
end
function done(summary, latency, requests)
  io.write(string.format("BENCH p99_us=%d p50_us=%d requests=%d non2xx=%d\n",
    latency:percentile(99), latency:percentile(50), summary.requests, summary.errors.status))
end
