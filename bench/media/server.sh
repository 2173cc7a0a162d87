# Sourced by bench/media/roomsd.sh and bench/janus/run.sh: wait for a server they started, run the caller's
# command next to it, and show the server's log if either fails.

# wait_for_http URL PID LOG NAME: until URL answers (10 s at most); the log and exit 1 if the server dies.
wait_for_http() {
  local url=$1 pid=$2 log=$3 name=$4
  for _ in $(seq 1 100); do
    curl -sf "$url" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  curl -sf "$url" >/dev/null || { echo "$name did not start" >&2; cat "$log" >&2; exit 1; }
}

# run_next_to_server LOG COMMAND...: runs the command and exits with its status, with the server log's tail
# when it failed.
run_next_to_server() {
  local log=$1
  shift
  set +e
  "$@"
  local status=$?
  set -e
  if [ "$status" -ne 0 ]; then tail -20 "$log" >&2; fi
  exit "$status"
}
