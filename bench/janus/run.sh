#!/usr/bin/env bash
# Starts Debian's Janus (VideoRoom + HTTP transport on 127.0.0.1, ICE-lite) with a generated configuration in a
# temporary directory, runs the given command with JANUS_PID and JANUS_URL set, and stops Janus afterwards.
# Must run inside the loopback-only network namespace (make bench does that).
#   bench/janus/run.sh <command...>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${BUILD:-$here/../../build}"
command -v janus >/dev/null || { echo "janus is not installed (scripts/deps.sh installs it)" >&2; exit 1; }
libdir="$(dirname "$(dpkg -L janus | grep -m1 '/janus/plugins/libjanus_videoroom.so$')")/.."
dir="$(mktemp -d /tmp/rooms-bench-janus.XXXXXX)"
trap 'kill "${pid:-}" 2>/dev/null || true; wait "${pid:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p "$dir/plugins" "$dir/transports" "$dir/events" "$dir/loggers"
ln -s "$libdir/plugins/libjanus_videoroom.so" "$dir/plugins/"
ln -s "$libdir/transports/libjanus_http.so" "$dir/transports/"
sed "s#@DIR@#$dir#g" "$here/janus.jcfg.in" > "$dir/janus.jcfg"
cp "$here/janus.transport.http.jcfg" "$here/janus.plugin.videoroom.jcfg" "$dir/"
LD_PRELOAD="$build/libjanus_loopback_ifaddrs.so" janus -F "$dir" -o >"$dir/janus.log" 2>&1 &
pid=$!
. "$here/../media/server.sh"
wait_for_http http://127.0.0.1:8088/janus/info "$pid" "$dir/janus.log" janus
export JANUS_PID=$pid JANUS_URL=http://127.0.0.1:8088/janus
run_next_to_server "$dir/janus.log" "$@"
