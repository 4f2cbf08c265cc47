#!/usr/bin/env bash
# `qinqing serve` under load (issue 23), on N synthetic cases in a git work tree: case pages and writes (a
# note, committed) from CLIENTS concurrent clients on loopback (scripts/bench-serve.py), against a warm
# `check` measured in the same run on the same repository (wall time and peak memory: the floor a server
# that holds the ledger is compared with). Prints the client's JSON and the server's peak memory.
# Usage: scripts/bench-serve.sh N [DIR [CLIENTS]]   (DIR keeps the generated repository)
set -euo pipefail
n=${1:?usage: scripts/bench-serve.sh N [DIR [CLIENTS]]}
base=${2:-$(mktemp -d)}
clients=${3:-20}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/qinqing
repo=$base/serve-$n
if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo"
  "$bin" bench-gen "$n" "$repo" > /dev/null
  git -C "$repo" init -q
  git -C "$repo" add -A
  git -C "$repo" -c user.name=bench -c user.email=bench@localhost commit -qm "synthetic cases"
fi
printf 'bench-office-pw' | "$bin" --repo "$repo" user add bench-office --role office --password-stdin > /dev/null 2>&1 || true
# The parse cache filled, then the warm check measured (the peer).
"$bin" --repo "$repo" check --as-of 2026-11-20 > /dev/null 2>&1 || true
tmp=$(mktemp)
/usr/bin/time -o "$tmp" -f "%e %M" "$bin" --repo "$repo" check --as-of 2026-11-20 --format json > /dev/null 2>&1 || true
read -r check_s check_kb < <(tail -1 "$tmp")
# Open cases to write notes on (a note may not follow a closing).
"$bin" --repo "$repo" list --status 办理中 --as-of 2026-11-20 --format json \
  | python3 -c 'import json,sys; [print(c["id"]) for c in json.load(sys.stdin)]' > "$base/open-ids"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$(date +%s%N)
"$bin" --repo "$repo" serve --listen "127.0.0.1:$port" --as-of 2026-11-20 > "$base/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/login"; do sleep 0.1; done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
result=$(python3 scripts/bench-serve.py "http://127.0.0.1:$port" "$repo" "$clients" 50 5 < "$base/open-ids")
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill $pid
echo "N=$n cases, $clients clients, $(nproc) cores, $(date +%F), $("$bin" --version)"
echo "warm check: ${check_s} s, peak ${check_kb} KB"
echo "server: ready in ${ready_ms} ms, peak ${peak_kb} KB ($(python3 -c "print(round($peak_kb/$check_kb,2))") × the warm check)"
echo "$result"
