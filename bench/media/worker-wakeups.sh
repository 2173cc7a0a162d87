#!/usr/bin/env bash
# How often roomsd's media threads sleep and wake at a fixed load, per thread: the figures behind README's
# "Media workers" paragraph (one worker against several). Starts roomsd through roomsd.sh with
# ROOMS_MEDIA_WORKERS workers (1 unless set), runs rooms-loadgen at ROOMS rooms (40 unless set), and reads
# /proc/<pid>/task/*/stat and status 8 s apart in the middle of the load. Prints each busy thread's CPU
# seconds and its voluntary (woken) and involuntary (preempted) switches per second. Inside the
# loopback-only namespace, like make bench:
#   ../shared/tools/loopback-only bash -c 'ROOMS=180 ROOMS_MEDIA_WORKERS=2 bench/media/worker-wakeups.sh'
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${BUILD:-$here/../../build}"
if [ -z "${ROOMSD_PID:-}" ]; then
  exec "$here/roomsd.sh" "$0" "$@"
fi
rooms="${ROOMS:-40}"
log="$(mktemp)"
"$build/rooms-loadgen" --target rooms --port "$ROOMSD_PORT" --server-pid "$ROOMSD_PID" --participants 2 \
  --video-bitrate 1000000 --rooms "$rooms" --windows 4 --window 4 --warmup 2 >"$log" 2>&1 &
loadgen=$!
# Connecting the rooms and the warm-up take a few seconds; the reads fall inside the measurement windows.
sleep $((6 + rooms / 20))
snapshot() {
  for task in /proc/"$ROOMSD_PID"/task/*; do
    # utime and stime are fields 14 and 15 of stat; the name in field 2 may hold spaces, so cut after ')'.
    read -r -a fields <<<"$(sed 's/.*) //' "$task/stat")"
    printf '%s %s %s %s %s\n' "${task##*/}" "${fields[11]}" "${fields[12]}" \
      "$(awk '/^voluntary_ctxt_switches/{print $2}' "$task/status")" \
      "$(awk '/^nonvoluntary_ctxt_switches/{print $2}' "$task/status")"
  done | sort
}
before="$(snapshot)"
sleep 8
after="$(snapshot)"
echo "roomsd with ${ROOMS_MEDIA_WORKERS:-1} media workers, $rooms rooms, 8 s:"
join <(echo "$before") <(echo "$after") | awk -v hz="$(getconf CLK_TCK)" '{
  cpu = ($6 - $2 + $7 - $3) / hz
  if (cpu < 0.2) next  # idle threads (control plane, webhooks, speech) say nothing here
  printf "  thread %s: %.2f s CPU (user %.2f, sys %.2f), woken %d/s, preempted %d/s\n", $1, cpu, ($6 - $2) / hz,
    ($7 - $3) / hz, ($8 - $4) / 8, ($9 - $5) / 8
}'
wait "$loadgen" || { cat "$log"; exit 1; }
grep '^rooms ' "$log" | sed 's/^/  /'
rm -f "$log"
