#!/usr/bin/env bash
# Does every step cost O(cases)? Each command on 10,000 and on 100,000 synthetic
# cases (warm parse cache), median of three runs; the last column is the ratio
# of the two times: about 10 when the cost grows linearly, 100 if quadratic.
# Usage: scripts/bench-scaling.sh [DIR]   (DIR keeps the generated repositories)
set -euo pipefail
base=${1:-$(mktemp -d)}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/qinqing
tmp=$(mktemp)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for n in 10000 100000; do
  [ -d "$base/$n/cases" ] || "$bin" bench-gen "$n" "$base/$n" > /dev/null
  find "$base/$n/cases" -type f -exec touch -d '1 hour ago' {} +
  "$bin" --repo "$base/$n" check --as-of 2026-11-20 --format json > /dev/null || true
done
commands=(
  "check --no-cache --as-of 2026-11-20 --format json"
  "check --as-of 2026-11-20 --format json"
  "list --as-of 2026-11-20 --format json"
  "report --period 2025 --as-of 2026-11-20 --format json"
  "render assignment --from 2025-01-01 --to 2025-12-31 --as-of 2026-11-20 --format md --out OUT"
  "render supervision --as-of 2026-11-20 --format md --out OUT"
  "render bulletin --period 2025 --as-of 2026-11-20 --format md --out OUT"
)
printf '%-86s %9s %9s %6s\n' "command" "10,000" "100,000" "ratio"
for c in "${commands[@]}"; do
  declare -A at=()
  for n in 10000 100000; do
    times=()
    for _ in 1 2 3; do
      rm -rf "$base/out"
      # shellcheck disable=SC2086
      /usr/bin/time -o "$tmp" -f "%e" "$bin" --repo "$base/$n" ${c//OUT/$base/out} > /dev/null 2>&1 || true
      times+=("$(tail -1 "$tmp")")
    done
    at[$n]=$(printf '%s\n' "${times[@]}" | median)
  done
  printf '%-86s %8ss %8ss %6.1f\n' "$c" "${at[10000]}" "${at[100000]}" "$(echo "${at[100000]} / ${at[10000]}" | bc -l)"
done
