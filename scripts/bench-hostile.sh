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

# Workbooks a hostile (or careless) office could hand in, against a good list of the same rows:
# one cell far away (XFD1048576), a declared entry of 4 GB, and a real zip bomb (300 MB of sheet
# XML in a 300 KB file). Each is refused before it is unpacked or laid out.
python3 - "$base" <<'PY'
import sys, zipfile
base = sys.argv[1]
def book(path, rows_xml, declared=None, filler=0):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="清单" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            f.write(rows_xml.encode())
            chunk = b" " * (1 << 20)
            for _ in range(filler):
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
    if declared:
        data = bytearray(open(path, "rb").read())
        at = data.rfind(b"PK\x01\x02")
        data[at + 24:at + 28] = declared.to_bytes(4, "little")
        open(path, "wb").write(bytes(data))
def cell(r, c, v):
    return f'<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
head = '<row r="1">' + cell(1, "A", "企业名称") + cell(1, "B", "反映问题") + "</row>"
rows = head + "".join(f'<row r="{i}">' + cell(i, "A", f"企业{i}") + cell(i, "B", f"问题{i}") + "</row>" for i in range(2, 202))
book(f"{base}/good.xlsx", rows)
book(f"{base}/far.xlsx", rows + '<row r="1048576">' + cell(1048576, "XFD", "x") + "</row>")
book(f"{base}/declared.xlsx", rows, declared=0xF0000000)
book(f"{base}/bomb.xlsx", rows, filler=300)
book(f"{base}/liar.xlsx", rows, filler=300, declared=1000)
PY
demo "$base/import"
ls -l "$base"/*.xlsx | awk '{print "  " $5 " bytes  " $9}'
run "floor: import a list of 200 rows (dry run)" "$bin" --repo "$base/import" import "$base/good.xlsx" --received 2026-11-20 --dry-run
run "the same rows and one cell at XFD1048576" "$bin" --repo "$base/import" import "$base/far.xlsx" --received 2026-11-20 --dry-run
run "the same rows, an entry declaring 4 GB" "$bin" --repo "$base/import" import "$base/declared.xlsx" --received 2026-11-20 --dry-run
run "the same rows and 300 MB of sheet XML (zip bomb)" "$bin" --repo "$base/import" import "$base/bomb.xlsx" --received 2026-11-20 --dry-run
run "the same bomb declaring 1 KB" "$bin" --repo "$base/import" import "$base/liar.xlsx" --received 2026-11-20 --dry-run

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
