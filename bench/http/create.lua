-- wrk script: POST /api/rooms/create with a new room each request, from the bodies gen-bodies.mjs wrote.
local bodies = {}
local index = 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  -- Each wrk thread starts at its own offset so threads do not replay each other's rooms.
  index = tonumber(args[2] or "0")
end
function request()
  index = index % #bodies + 1
  return wrk.format("POST", "/api/rooms/create", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY"),
  }, bodies[index])
end
function done(summary, latency, requests)
  io.write(string.format("BENCH p99_us=%d p50_us=%d requests=%d non2xx=%d\n",
    latency:percentile(99), latency:percentile(50), summary.requests, summary.errors.status))
end
