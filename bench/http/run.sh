#!/usr/bin/env bash
# HTTP benchmark of the control plane with wrk, inside a loopback-only network namespace.
# roomsd runs pinned to one core (taskset) with rate limits off; wrk runs on the other core.
# Baseline, measured in the same run: a request for an unknown path (the full HTTP pipeline — parse,
# request id, routing, JSON error body, metrics, write — without a handler), so the status figure reads
# as the cost of the handler on top of the server's floor.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${ROOMS_LOOPBACK_ONLY:-}" != 1 ]; then exec ../shared/tools/loopback-only "$0" "$@"; fi

DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-3901}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

export BENCH_API_KEY=bench-key-0123456789
secret=bench-jwt-secret
ROOM_SERVICE_API_KEY=$BENCH_API_KEY JWT_SIGNING_SECRET=$secret ROOM_WEBHOOK_SECRET=bench-hook \
  ROOMS_RATE_LIMIT_PER_KEY=0 ROOMS_RATE_LIMIT_PER_IP=0 ROOMS_LOG_LEVEL=warn \
  taskset -c 0 build/roomsd --port "$PORT" --data-dir "$work/data" --bind 127.0.0.1 >"$work/roomsd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done

node bench/http/gen-bodies.mjs "$work/bodies.jsonl" 40000 "$secret"
# One room to read the status of.
curl -sf -X POST "http://127.0.0.1:$PORT/api/rooms/create" -H "Authorization: Bearer $BENCH_API_KEY" \
  -H 'Content-Type: application/json' --data "$(head -1 "$work/bodies.jsonl")" >/dev/null
room=$(head -1 "$work/bodies.jsonl" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).roomId))')

run() {  # name, wrk args...
  local name=$1; shift
  local out
  out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$@")
  local rps p99 p50 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$out")
  p50=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$out")
  non2xx=$(sed -n 's/.*non2xx=\([0-9]*\).*/\1/p' <<<"$out")
  printf '%-22s %12s req/s   p50 %7.2f ms   p99 %7.2f ms   non-2xx %s\n' "$name" "$rps" \
    "$(bc -l <<<"$p50/1000")" "$(bc -l <<<"$p99/1000")" "$non2xx"
  echo "$rps" >"$work/$name.rps"
}

echo "roomsd HTTP benchmark: ${DURATION}s per run, $CONNECTIONS connections, roomsd on 1 core ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
run baseline-404 -s bench/http/latency.lua "http://127.0.0.1:$PORT/api/nothing-here"
run status -s bench/http/latency.lua "http://127.0.0.1:$PORT/api/rooms/$room/status"
run create -s bench/http/create.lua "http://127.0.0.1:$PORT" -- "$work/bodies.jsonl" 1
printf 'status / baseline throughput ratio: %.2f\n' "$(bc -l <<<"$(cat "$work/status.rps") / $(cat "$work/baseline-404.rps")")"
printf 'roomsd peak RSS: %s MiB\n' "$(awk '/VmHWM/ {printf "%.1f", $2/1024}' /proc/$pid/status)"
