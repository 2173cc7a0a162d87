#!/usr/bin/env bash
# make bench: the same WebRTC load against roomsd and against Janus's VideoRoom, back to back on this machine,
# then the SRTP floor, then one table (bench/media/table.mjs). Runs inside the loopback-only namespace.
# Knobs (environment): BENCH_PARTICIPANTS (2), BENCH_VIDEO_BITRATE (1000000), BENCH_START (20 rooms),
# BENCH_STEP (20), BENCH_MAX (400), BENCH_WINDOW (4 s), BENCH_OUT (test-artifacts/bench).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
build="${BUILD:-$root/build}"
out="${BENCH_OUT:-$root/test-artifacts/bench}"
mkdir -p "$out"
participants="${BENCH_PARTICIPANTS:-2}"
bitrate="${BENCH_VIDEO_BITRATE:-1000000}"
start="${BENCH_START:-20}"
step="${BENCH_STEP:-20}"
max="${BENCH_MAX:-400}"
window="${BENCH_WINDOW:-4}"
common=(--participants "$participants" --video-bitrate "$bitrate" --rooms "$start" --ramp-step "$step"
        --max-rooms "$max" --window "$window" --warmup 2)

echo "== rooms =="
"$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" "${common[@]}" --json "$out/rooms.json"
echo "== janus =="
"$root/bench/janus/run.sh" bash -c '"$0"/rooms-loadgen --target janus --janus-url "$JANUS_URL" --server-pid "$JANUS_PID" "${@}"' \
  "$build" "${common[@]}" --json "$out/janus.json"
echo "== three-party rooms: memory =="
# roomsd seats two people (coach and client, by the spec); its third party is the AI Orb. Janus gets three
# publishers. One window at a fixed number of rooms each.
three="${BENCH_THREE_PARTY_ROOMS:-20}"
"$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" --orb --participants 2 --video-bitrate "$bitrate" --rooms "$three" --window "$window" --warmup 2 \
  --json "$out/rooms-3.json"
"$root/bench/janus/run.sh" bash -c '"$0"/rooms-loadgen --target janus --janus-url "$JANUS_URL" --server-pid "$JANUS_PID" "${@}"' \
  "$build" --participants 3 --video-bitrate "$bitrate" --rooms "$three" --window "$window" --warmup 2 \
  --json "$out/janus-3.json"
echo "== floor =="
# At the packet rate of the step the table compares (the largest both servers carried): batching, and so the
# cost per packet, depends on the rate.
publishers="$(node -e '
  const [r, j, n] = [require(process.argv[1]), require(process.argv[2]), Number(process.argv[3])];
  const ok = (run) => run.steps.filter((s) => s.withinThresholds).map((s) => s.rooms);
  const common = ok(r).filter((x) => ok(j).includes(x)).sort((a, b) => b - a)[0] ?? ok(r).sort((a, b) => b - a)[0] ?? 10;
  console.log(common * n);' "$out/rooms.json" "$out/janus.json" "$participants")"
"$build/srtp_floor" --subscribers "$((participants - 1))" --publishers "$publishers" --video-bitrate "$bitrate" \
  --seconds 5 --json "$out/floor.json"
echo
node "$here/table.mjs" "$out/rooms.json" "$out/janus.json" "$out/floor.json" "$out/rooms-3.json" "$out/janus-3.json" \
  | tee "$out/table.md"
