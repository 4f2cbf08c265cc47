#!/usr/bin/env bash
# Benchmark of `qinqing report` and `qinqing build` on N synthetic cases (default 100,000).
# Usage: scripts/bench-report.sh [N] [DIR]
# `report` is compared with `check` on the same warm cache (both load, validate
# and evaluate every clock; report adds the figures); `build` writes the
# dashboard (a page per case) and HTML documents, first into an empty output
# folder, then again over the previous site. Medians of five runs (build: three).
set -euo pipefail
source "$(dirname "$0")/bench-setup.sh"
"$bin" check --as-of 2026-11-20 --format json > /dev/null || true   # write the cache
measure() { # runs, label, then the command
  local runs=$1 label=$2; shift 2
  local times=() mems=()
  for _ in $(seq "$runs"); do
    [ "$label" = "build, empty output" ] && rm -rf out
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" > /dev/null 2>&1 || true
    out=$(tail -1 "$tmp")
    times+=("${out% *}"); mems+=("${out#* }")
  done
  printf '%-30s %6s s  %6s MB\n' "$label" "$(printf '%s\n' "${times[@]}" | median)" "$(( $(printf '%s\n' "${mems[@]}" | median) / 1024 ))"
}
echo "qinqing report and build on $n cases in $dir ($(nproc) cores)"
measure 5 "check (warm cache)" "$bin" check --as-of 2026-11-20 --format json
measure 5 "report --period 2026 (json)" "$bin" report --period 2026 --as-of 2026-11-20 --format json
measure 5 "report --period 2026 (table)" "$bin" report --period 2026 --as-of 2026-11-20
measure 3 "build, empty output" "$bin" build --as-of 2026-11-20 --format html --out out
measure 3 "build over the previous site" "$bin" build --as-of 2026-11-20 --format html --out out
echo "pages: $(find out/site -name '*.html' | wc -l), size: $(du -sh out/site | cut -f1)"
