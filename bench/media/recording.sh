#!/usr/bin/env bash
# The cost of recording alone, without the rest of make bench: the fixed load (BENCH_ROOMS rooms, 1 media
# worker, BENCH_WINDOWS windows) without and with every room recording, back to back, BENCH_PAIRS times
# (the VM's speed drifts over minutes, so a ratio means something only within a pair); BENCH_LOSS percent
# lost each way on every peer's link (0: a clean link). Prints each run's median window and the ratios.
# Runs inside the loopback-only namespace:
#   ../shared/tools/loopback-only bench/media/recording.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
build="${BUILD:-$root/build}"
out="${BENCH_OUT:-$root/test-artifacts/bench-recording}"
mkdir -p "$out"
rooms="${BENCH_ROOMS:-40}"
windows="${BENCH_WINDOWS:-5}"
pairs="${BENCH_PAIRS:-2}"
loss="${BENCH_LOSS:-0}"
runs=()
for pair in $(seq 1 "$pairs"); do
  for mode in plain recording; do
    extra=()
    [ "$mode" = recording ] && extra+=(--recording)
    [ "$loss" != 0 ] && extra+=(--send-loss "$loss" --receive-loss "$loss")
    echo "== pair $pair: $mode, $rooms rooms, ${loss}% loss =="
    ROOMS_MEDIA_WORKERS=1 "$here/roomsd.sh" bash -c '"$0"/rooms-loadgen --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" "${@}"' \
      "$build" --participants 2 --video-bitrate 1000000 --rooms "$rooms" --windows "$windows" --window 4 --warmup 2 \
      --expect-workers 1 "${extra[@]}" --json "$out/$mode-$pair.json" >"$out/$mode-$pair.log" 2>&1
    runs+=("$out/$mode-$pair.json")
  done
done
node -e '
const fs = require("fs");
const median = (p) => {
  const w = JSON.parse(fs.readFileSync(p, "utf8")).steps.filter((s) => s.received !== undefined)
    .sort((a, b) => a.cpuPerPacketUs - b.cpuPerPacketUs);
  return w[Math.floor(w.length / 2)];
};
const files = process.argv.slice(1);
for (let i = 0; i + 1 < files.length; i += 2) {
  const [p, r] = [median(files[i]), median(files[i + 1])];
  const mediaUs = (r.serverCpuSeconds - r.recorderCores * r.seconds) * 1e6 / r.received;
  const recUs = r.recorderCores * r.seconds * 1e6 / r.received;
  console.log(`pair ${i / 2 + 1}: ${p.cpuPerPacketUs.toFixed(2)} us/pkt without, ${r.cpuPerPacketUs.toFixed(2)} with ` +
    `(${(r.cpuPerPacketUs / p.cpuPerPacketUs).toFixed(2)}x); recorder threads ${r.recorderCores.toFixed(3)} cores, ` +
    `${recUs.toFixed(2)} us per recorded packet; the rest ${mediaUs.toFixed(2)} us/pkt (${(mediaUs / p.cpuPerPacketUs).toFixed(2)}x); ` +
    `video loss left ${p.videoLossPercent.toFixed(3)}% / ${r.videoLossPercent.toFixed(3)}%; RSS ${(p.serverRssBytes / 2 ** 20).toFixed(0)} / ${(r.serverRssBytes / 2 ** 20).toFixed(0)} MB`);
}' "${runs[@]}"
