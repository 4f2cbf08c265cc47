#!/usr/bin/env bash
# What a write or a look at one case costs (issue 19): `note`, `reply`, `new`
# and `show` on N synthetic cases, against two floors measured in the same run
# on the same repository: a warm `check` (parse cache filled) and `cat` of
# every case file. Median of five runs: wall seconds, peak memory (MB), and
# the ratio of each command's time to the warm check's.
# Usage: scripts/bench-write.sh N [DIR]   (DIR keeps the generated repository)
set -euo pipefail
n=${1:?usage: scripts/bench-write.sh N [DIR]}
base=${2:-$(mktemp -d)}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/qinqing
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
measure() { # label, command...
  local label=$1; shift
  local times=() mems=()
  for _ in 1 2 3 4 5; do
    /usr/bin/time -o "$tmp" -f "%e %M" "$@" > /dev/null 2>&1 || true
    read -r t m < <(tail -1 "$tmp")
    times+=("$t"); mems+=("$m")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | median)
  m=$(printf '%s\n' "${mems[@]}" | median)
  echo "$label $t $((m / 1024))"
}
results=$(
  measure "check（热缓存，基准）" "$bin" --repo "$repo" check --as-of 2026-11-20 --format json
  measure "cat 全部案件文件（基准）" sh -c "find '$repo/cases' -name '*.yaml' -print0 | xargs -0 cat"
  measure "note" "$bin" --repo "$repo" note "$id" --text 电话催办 --date 2026-11-20
  measure "reply" "$bin" --repo "$repo" reply "$id" --by 市交通运输局 --result 已解决 --text 已办结 --date 2026-11-20
  measure "new" "$bin" --repo "$repo" new --received 2026-11-20 --channel hotline --title 用电增容 --enterprise 某公司
  measure "show" "$bin" --repo "$repo" show "$id" --as-of 2026-11-20
)
check=$(echo "$results" | head -1 | awk '{print $2}')
echo "$n 件案件（$(nproc) 核，$(date +%F)）"
printf '%-28s %8s %9s %12s\n' "" "秒" "内存 MB" "÷ 热 check"
echo "$results" | while read -r label t m; do
  printf '%-28s %8s %9s %12.2f\n' "$label" "$t" "$m" "$(echo "$t / $check" | bc -l)"
done
