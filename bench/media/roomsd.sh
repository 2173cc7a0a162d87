#!/usr/bin/env bash
# Starts build/roomsd on loopback (announcing 127.0.0.1, a fresh data directory, generated secrets, rate limits
# raised for the ramp's bursts of room creation, no cap on connections per address since every peer of the
# load generator connects from 127.0.0.1 (with the default 256 the ramp stopped at 140 rooms: "signaling
# handshake: Connection reset by peer"); ROOMS_MEDIA_WORKERS media workers, 1 unless set), runs the given command with ROOMSD_PID, ROOMSD_PORT,
# ROOM_SERVICE_API_KEY and JWT_SIGNING_SECRET set, and stops roomsd afterwards.
# Must run inside the loopback-only network namespace (make bench and make test do that).
#   bench/media/roomsd.sh <command...>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${BUILD:-$here/../../build}"
dir="$(mktemp -d /tmp/rooms-bench-roomsd.XXXXXX)"
trap 'kill "${pid:-}" 2>/dev/null || true; wait "${pid:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
port="${ROOMSD_PORT:-3901}"
export ROOM_SERVICE_API_KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export JWT_SIGNING_SECRET="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
ROOM_WEBHOOK_SECRET="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" \
ROOMS_DATA_DIR="$dir" ROOM_SERVICE_PORT="$port" ROOMS_BIND_ADDRESS=127.0.0.1 \
ROOMS_ANNOUNCED_IP=127.0.0.1 ROOMS_MEDIA_PORT=0 ROOMS_LOG_LEVEL="${ROOMS_LOG_LEVEL:-warn}" \
ROOMS_RATE_LIMIT_PER_KEY=0 ROOMS_RATE_LIMIT_PER_IP=0 ROOMS_CONSOLE=false \
ROOMS_MAX_CONNECTIONS_PER_ADDRESS=1000000 \
ROOMS_MEDIA_WORKERS="${ROOMS_MEDIA_WORKERS:-1}" \
  "$build/roomsd" >"$dir/roomsd.log" 2>&1 &
pid=$!
. "$here/server.sh"
wait_for_http "http://127.0.0.1:$port/health" "$pid" "$dir/roomsd.log" roomsd
export ROOMSD_PID=$pid ROOMSD_PORT=$port
run_next_to_server "$dir/roomsd.log" "$@"
