#!/usr/bin/env bash
# make bench: the same WebRTC load against roomsd and against Janus's VideoRoom, back to back on this machine,
# the SRTP floor, then one table (bench/media/table.mjs). Runs inside the loopback-only namespace.
# Knobs (environment): BENCH_PARTICIPANTS (2), BENCH_VIDEO_BITRATE (1000000), BENCH_START (20 rooms),
# BENCH_STEP (20), BENCH_MAX (400), BENCH_WINDOW (4 s), BENCH_WINDOWS (5: the fixed-load windows whose median
# is the CPU figure, and the floor's), BENCH_LOSS (2: percent lost each way on every peer's link in the lossy
# windows), BENCH_WORKERS (2: the media workers of the multi-worker runs, next to the 1-worker figures),
# BENCH_OUT (test-artifacts/bench).
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
workers="${BENCH_WORKERS:-2}"
ramp=(--participants "$participants" --video-bitrate "$bitrate" --rooms "$start" --ramp-step "$step"
        --max-rooms "$max" --window "$window" --warmup 2)

echo "== rooms =="
ROOMS_MEDIA_WORKERS=1 "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" "${ramp[@]}" --expect-workers 1 --json "$out/rooms.json"
echo "== rooms, $workers media workers =="
ROOMS_MEDIA_WORKERS="$workers" "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" "${ramp[@]}" --expect-workers "$workers" --json "$out/rooms-workers.json"
echo "== janus =="
"$root/bench/janus/run.sh" bash -c '"$0"/rooms-loadgen --target janus --janus-url "$JANUS_URL" --server-pid "$JANUS_PID" "${@}"' \
  "$build" "${ramp[@]}" --json "$out/janus.json"
# CPU per packet is compared at the largest step both servers carried within the thresholds, measured
# again there at a fixed load on a fresh server: several windows back to back, the median counting (one
# window's figure moves by +-20% on a VM shared with the load generator).
compared="$(node -e '
  const [r, j] = [require(process.argv[1]), require(process.argv[2])];
  const ok = (run) => run.steps.filter((s) => s.withinThresholds).map((s) => s.rooms);
  console.log(ok(r).filter((x) => ok(j).includes(x)).sort((a, b) => b - a)[0] ?? ok(r).sort((a, b) => b - a)[0] ?? 10);' \
  "$out/rooms.json" "$out/janus.json")"
windows="${BENCH_WINDOWS:-5}"
# The floor runs at the same packet rate (batching, and so the cost per packet, depends on the rate) just
# before and just after roomsd's windows, and its figure is the median of both sets: this VM's speed drifts
# over minutes (the floor alone has measured 4.6 to 6.2 us on different runs of one day), and a floor taken
# several runs later moved the ratio by as much as the ratio's own goal band.
floor() {
  "$build/srtp_floor" --subscribers "$((participants - 1))" --publishers "$((compared * participants))" \
    --video-bitrate "$bitrate" --seconds "$window" --repeats "$windows" --json "$1"
}
echo "== floor, before roomsd's windows =="
floor "$out/floor-before.json"
echo "== CPU per packet at $compared rooms: $windows windows each =="
ROOMS_MEDIA_WORKERS=1 "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" --participants "$participants" --video-bitrate "$bitrate" --rooms "$compared" --windows "$windows" \
  --window "$window" --warmup 2 --expect-workers 1 --json "$out/rooms-cpu.json"
echo "== floor, after roomsd's windows =="
floor "$out/floor.json"
# The same floor split over as many threads as roomsd gets media workers below: what the split alone costs
# on this machine, the baseline for the workers' ratio.
echo "== floor on $workers forwarder threads =="
"$build/srtp_floor" --subscribers "$((participants - 1))" --publishers "$((compared * participants))" \
  --video-bitrate "$bitrate" --seconds "$window" --repeats "$windows" --forwarders "$workers" --json "$out/floor-workers.json"
echo "== CPU per packet at $compared rooms on $workers media workers: $windows windows =="
ROOMS_MEDIA_WORKERS="$workers" "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" --participants "$participants" --video-bitrate "$bitrate" --rooms "$compared" --windows "$windows" \
  --window "$window" --warmup 2 --expect-workers "$workers" --json "$out/rooms-cpu-workers.json"
# At a light load each worker wakes for fewer packets than one worker would, so it pays more wakeups per
# packet; where more workers matter is near one worker's capacity: the largest step both ramps carried.
heavy="$(node -e '
  const [a, b] = [require(process.argv[1]), require(process.argv[2])];
  const ok = (run) => run.steps.filter((s) => s.withinThresholds).map((s) => s.rooms);
  console.log(ok(a).filter((x) => ok(b).includes(x)).sort((x, y) => y - x)[0] ?? 0);' \
  "$out/rooms.json" "$out/rooms-workers.json")"
if [ "$heavy" -gt 0 ]; then
  echo "== CPU per packet at $heavy rooms on 1 and on $workers media workers: 3 windows each =="
  for w in 1 "$workers"; do
    ROOMS_MEDIA_WORKERS="$w" "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
      "$build" --participants "$participants" --video-bitrate "$bitrate" --rooms "$heavy" --windows 3 \
      --window "$window" --warmup 2 --expect-workers "$w" --json "$out/rooms-heavy-$w.json"
  done
fi
echo "== CPU per packet at $compared rooms, every room recording every track: $windows windows =="
# The same load with features.recording on in every room: the media thread copies each packet into the
# track's recording ring, the recorder thread writes a WebM file per participant (the load's VP8 is not
# decodable, but it is depacketized, put in order and muxed like a camera's).
ROOMS_MEDIA_WORKERS=1 "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" --participants "$participants" --video-bitrate "$bitrate" --rooms "$compared" --windows "$windows" \
  --window "$window" --warmup 2 --expect-workers 1 --recording --json "$out/rooms-recording.json"
loss="${BENCH_LOSS:-2}"
echo "== CPU per packet at $compared rooms with ${loss}% loss on every peer's link, each way: $windows windows =="
# The peers drop what they send and receive (rooms-loadgen --send-loss/--receive-loss) and recover like a
# browser: they answer the server's NACKs and NACK the video they miss, so the figure includes recovery.
ROOMS_MEDIA_WORKERS=1 "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
  "$build" --participants "$participants" --video-bitrate "$bitrate" --rooms "$compared" --windows "$windows" \
  --window "$window" --warmup 2 --send-loss "$loss" --receive-loss "$loss" --json "$out/rooms-loss.json"
echo "== Janus at $compared rooms: $windows windows =="
"$root/bench/janus/run.sh" bash -c '"$0"/rooms-loadgen --target janus --janus-url "$JANUS_URL" --server-pid "$JANUS_PID" "${@}"' \
  "$build" --participants "$participants" --video-bitrate "$bitrate" --rooms "$compared" --windows "$windows" \
  --window "$window" --warmup 2 --json "$out/janus-cpu.json"
"$root/bench/janus/run.sh" bash -c '"$0"/rooms-loadgen --target janus --janus-url "$JANUS_URL" --server-pid "$JANUS_PID" "${@}"' \
  "$build" --participants "$participants" --video-bitrate "$bitrate" --rooms "$compared" --windows "$windows" \
  --window "$window" --warmup 2 --send-loss "$loss" --receive-loss "$loss" --json "$out/janus-loss.json"
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
echo
node "$here/table.mjs" "$out/rooms.json" "$out/janus.json" "$out/floor-before.json,$out/floor.json" "$out/rooms-3.json" "$out/janus-3.json" \
  "$out/rooms-cpu.json" "$out/janus-cpu.json" "$out/rooms-loss.json" "$out/janus-loss.json" \
  "$out/rooms-workers.json" "$out/rooms-cpu-workers.json" "$out/rooms-heavy-1.json" "$out/rooms-heavy-$workers.json" \
  "$out/rooms-recording.json" "$out/floor-workers.json" | tee "$out/table.md"
