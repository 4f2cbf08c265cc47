#!/usr/bin/env bash
# Benchmark of `qinqing check` on N synthetic cases (default 100,000).
# Usage: scripts/bench-check.sh [N] [DIR]
# Prints the median wall time and peak memory of five runs for: a cold run
# without cache, the first run (which writes the cache), and a warm run with
# one file changed. Results go into BENCHMARKS.md by hand, with date and machine.
set -euo pipefail
source "$(dirname "$0")/bench-setup.sh"
measure() { # label, then the command; five runs, median seconds and KB
  local label=$1; shift
  local times=() mems=()
  for _ in 1 2 3 4 5; do
    [ "$label" = "first run (writes cache)" ] && rm -rf .qinqing-cache
    [ "$label" = "warm, one file changed" ] && echo "# $RANDOM" >> "$(find cases -name '*.yaml' | head -1)" && touch -d '1 minute ago' "$(find cases -name '*.yaml' | head -1)"
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" > /dev/null 2>&1 || true
    out=$(tail -1 "$tmp")
    times+=("${out% *}"); mems+=("${out#* }")
  done
  printf '%-28s %6s s  %6s MB\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" "$(( $(printf '%s\n' "${mems[@]}" | median) / 1024 ))"
}
echo "qinqing check on $n cases in $dir ($(nproc) cores)"
measure "read the files (cat)" sh -c 'find cases -type f -exec cat {} + > /dev/null'
measure "cold, no cache" "$bin" check --as-of 2026-11-20 --no-cache --format json
measure "first run (writes cache)" "$bin" check --as-of 2026-11-20 --format json
"$bin" check --as-of 2026-11-20 --format json > /dev/null || true
measure "warm, one file changed" "$bin" check --as-of 2026-11-20 --format json
measure "warm, text output" "$bin" check --as-of 2026-11-20
