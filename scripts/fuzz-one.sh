#!/usr/bin/env bash
# One libFuzzer target over its seed corpus for a few seconds (make fuzz runs one per core at a time).
# Usage: scripts/fuzz-one.sh build-sanitize/stun_fuzz 10
set -euo pipefail
target=$1
seconds=$2
name=$(basename "$target")
corpus=fuzz/corpus/${name%_fuzz}
work=$(mktemp -d)
log=$(mktemp "/tmp/$name.XXXXXX.log")
trap 'rm -rf "$work"' EXIT
if "$target" -max_total_time="$seconds" -print_final_stats=0 "$work" "$corpus" >"$log" 2>&1; then
  echo "fuzz: $name for ${seconds}s: ok"
  rm -f "$log"
else
  echo "fuzz: $name FAILED (log: $log)"
  tail -40 "$log"
  exit 1
fi
