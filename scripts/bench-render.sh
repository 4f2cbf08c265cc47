#!/usr/bin/env bash
# Benchmark of official documents: one-page PDFs rendered in one process
# (fonts loaded once, parallel), against one process per document.
# Usage: scripts/bench-render.sh [N]   (default 1000)
set -euo pipefail
n=${1:-1000}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/qinqing
echo "in one process:"
/usr/bin/time -f "wall %e s, peak memory %M KB" "$bin" bench-render "$n"
out=$(mktemp -d)
start=$(date +%s.%N)
for i in $(seq 1 10); do
  for d in 国网湖州供电公司 市商务局 市自然资源和规划局; do
    "$bin" render supervision --as-of 2026-11-20 --dept "$d" --format pdf --out "$out/$i" > /dev/null 2>&1
  done
done
end=$(date +%s.%N)
python3 -c "print('one process per document (demo supervision notices): %.1f ms/document' % ((float('$end') - float('$start')) / 30 * 1000))"
rm -rf "$out"
