#!/usr/bin/env bash
# Benchmark of `qinqing import` on a generated problem list of N rows (default 5,000), into a copy of the demo
# repository: a dry run, the import, the same import again (nothing to write), and `check` on the result as a floor.
# Usage: scripts/bench-import.sh [N]
set -euo pipefail
n=${1:-5000}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/qinqing
work=$(mktemp -d)
cp -r cases rules qinqing.yaml departments.yaml "$work/"
python3 - "$n" "$work/清单.csv" <<'PY'
import random, sys
random.seed(2)
n, path = int(sys.argv[1]), sys.argv[2]
depts = ["市交通运输局", "市住房和城乡建设局", "市人力资源和社会保障局", "市商务局", "市经济和信息化局", ""]
rows = ["序号,企业名称,统一社会信用代码,反映问题,问题类别,联系人,联系电话,牵头单位,交办日期"]
for i in range(1, n + 1):
    d = random.choice(depts)
    rows.append(f"{i},湖州测试{i}有限公司,,第{i}个问题：园区配套设施不完善，希望尽快解决。,基础设施,王某,139{i:08d},{d},{'2026-11-23' if d else ''}")
open(path, "w").write("\n".join(rows) + "\n")
PY
cd "$work"
run() { local label=$1; shift; /usr/bin/time -f "$label %e s %M KB" "$@" > /dev/null 2> err || true; tail -1 err; }
run "dry run" "$bin" import 清单.csv --meeting HZ-M-2026-25 --dry-run
run "import" "$bin" import 清单.csv --meeting HZ-M-2026-25
run "again" "$bin" import 清单.csv --meeting HZ-M-2026-25
run "floor: check --no-cache" "$bin" check --no-cache --as-of 2026-11-24 --format json
rm -rf "$work"
