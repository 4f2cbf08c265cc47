#!/usr/bin/env bash
# What a write or a look at one case costs (issue 19): `note`, `reply`, `new`
# and `show` on N synthetic cases, against two floors measured in the same run
# on the same repository: a warm `check` (parse cache filled) and `cat` of
# every case file. Median of five runs: wall seconds, peak memory (MB), and
# the ratio of each command's time to the warm check's.
# Usage: scripts/bench-write.sh N [DIR [BIN]]   (DIR keeps the generated
# repository; BIN measures another binary, such as the commit before, on it)
set -euo pipefail
n=${1:?usage: scripts/bench-write.sh N [DIR [BIN]]}
base=${2:-$(mktemp -d)}
cd "$(dirname "$0")/.."
if [ -n "${3:-}" ]; then
  bin=$3
else
  cargo build --release --quiet
  bin=$PWD/target/release/qinqing
fi
repo=$base/$n
[ -d "$repo/cases" ] || "$bin" bench-gen "$n" "$repo" > /dev/null
# Old enough for the parse cache to trust, then the cache filled once.
find "$repo/cases" -type f -exec touch -d '1 hour ago' {} +
"$bin" --repo "$repo" check --as-of 2026-11-20 > /dev/null 2>&1 || true
# A case that has been assigned, so that a reply to it stands.
file=$(grep -rl "event: assigned" "$repo/cases" | sort | tail -1)
id=$(basename "$file" .yaml)
tmp=$(mktemp)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # label, command...: median wall seconds (ms resolution) and peak memory in MB
  local label=$1; shift
  local times=() mems=() start end
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    /usr/bin/time -o "$tmp" -f "%M" "$@" > /dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))"); mems+=("$(tail -1 "$tmp")")
  done
  echo "$label $(printf '%s\n' "${times[@]}" | median) $(( $(printf '%s\n' "${mems[@]}" | median) / 1024 ))"
}
results=$(
  measure check-warm "$bin" --repo "$repo" check --as-of 2026-11-20 --format json
  measure cat-all sh -c "find '$repo/cases' -name '*.yaml' -print0 | xargs -0 cat"
  measure note "$bin" --repo "$repo" note "$id" --text 电话催办 --date 2026-11-20
  measure reply "$bin" --repo "$repo" reply "$id" --by 市交通运输局 --result 已解决 --text 已办结 --date 2026-11-20
  measure new "$bin" --repo "$repo" new --received 2026-11-20 --channel hotline --title 用电增容 --enterprise 某公司
  measure show "$bin" --repo "$repo" show "$id" --as-of 2026-11-20
)
check=$(echo "$results" | head -1 | awk '{print $2}')
echo "N=$n cases, $(nproc) cores, $(date +%F), $("$bin" --version)"
printf '%-12s %10s %10s %14s\n' command ms peak-MB "/ warm check"
echo "$results" | while read -r label t m; do
  printf '%-12s %10s %10s %14.2f\n' "$label" "$t" "$m" "$(echo "$t / $check" | bc -l)"
done
