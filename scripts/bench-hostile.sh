#!/usr/bin/env bash
# What a hostile pull request costs the CI machine: each hostile repository
# against its floor, the same repository without the hostile part, measured in
# the same run (one run each: wall time and peak memory).
# Usage: scripts/bench-hostile.sh [DIR] [BIN]   (DIR keeps the repositories; BIN defaults to the release build)
set -euo pipefail
base=${1:-$(mktemp -d)}
cd "$(dirname "$0")/.."
root=$PWD
if [ -z "${2:-}" ]; then cargo build --release --quiet; fi
bin=${2:-$root/target/release/qinqing}
tmp=$(mktemp)
demo() { # a copy of the demonstration repository at $1
  rm -rf "$1"; mkdir -p "$1"
  cp -r "$root/cases" "$root/rules" "$root/qinqing.yaml" "$root/departments.yaml" "$1/"
}
run() { # label, then the command
  local label=$1; shift
  /usr/bin/time -o "$tmp" -f "%e %M" timeout 600 "$@" > /dev/null 2>&1 || true
  local out; out=$(tail -1 "$tmp")
  printf '%-58s %8s s %8s MB\n' "$label" "${out% *}" "$(( ${out#* } / 1024 ))"
}

demo "$base/floor"
demo "$base/keys"
python3 - "$base/keys/cases/HZ-2026-0999.yaml" <<'PY'
import sys
lines = ["id: HZ-2026-0999", "title: 测试", "received: 2026-06-01"] + [f"k{i}: v" for i in range(300000)]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
demo "$base/alias"
python3 - "$base/alias/cases/HZ-2026-0998.yaml" <<'PY'
import sys
text = "id: HZ-2026-0998\ntitle: 测试\nreceived: 2026-06-01\nextra:\n  a: &big \"" + "x" * 100000 + "\"\n  b: [" + ", ".join(["*big"] * 20000) + "]\n"
open(sys.argv[1], "w").write(text)
PY
demo "$base/fonts"
printf 'fonts: [/]\n' >> "$base/fonts/qinqing.yaml"
echo "demo repository (floor) against hostile copies ($(nproc) cores)"
run "floor: the demo repository" "$bin" --repo "$base/floor" check --no-cache --as-of 2026-11-20 --format json
run "300,000 distinct keys in one case file (3.2 MB)" "$bin" --repo "$base/keys" check --no-cache --as-of 2026-11-20 --format json
run "a 100 KB text aliased 20,000 times (220 KB file)" "$bin" --repo "$base/alias" check --no-cache --as-of 2026-11-20 --format json
run "fonts: [/] in qinqing.yaml" "$bin" --repo "$base/fonts" check --no-cache --as-of 2026-11-20 --format json
run "floor: render bulletin (PDF)" "$bin" --repo "$base/floor" render bulletin --as-of 2026-11-20 --format pdf --out "$base/out-floor"
run "fonts: [/], render bulletin (PDF)" "$bin" --repo "$base/fonts" render bulletin --as-of 2026-11-20 --format pdf --out "$base/out-fonts"

[ -d "$base/100000/cases" ] || "$bin" bench-gen 100000 "$base/100000" > /dev/null
rm -rf "$base/typos" && cp -r "$base/100000" "$base/typos"
python3 - "$base/typos" <<'PY'
import glob, sys
for i, f in enumerate(sorted(glob.glob(sys.argv[1] + "/cases/**/*.yaml", recursive=True))[:110]):
    lines = open(f).read().split("\n")
    at = next(j for j, l in enumerate(lines) if l.startswith("title:"))
    lines.insert(at + 1, f"related: [QQ-{2000 + i}-X{i:04d}]")
    open(f, "w").write("\n".join(lines))
PY
run "floor: 100,000 cases" "$bin" --repo "$base/100000" check --no-cache --as-of 2026-11-20 --format json
run "100,000 cases, 110 unknown related ids" "$bin" --repo "$base/typos" check --no-cache --as-of 2026-11-20 --format json
