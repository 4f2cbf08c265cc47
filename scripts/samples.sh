#!/usr/bin/env bash
# Regenerates docs/samples/: every page of the demo's four kinds of document
# (an assignment letter, a meeting's list, a supervision notice, the year's bulletin) and a receipt as small
# PNGs, so a reader of the docs sees what qinqing prints, and the problem-list
# template filled in (问题清单示例.xlsx), and the web server's pages (docs/samples/serve/, from the browser test).
#
#   bash scripts/samples.sh            # uses target/release/qinqing, building it if needed
#   QINQING=target/debug/qinqing bash scripts/samples.sh
#
# Needs pdftoppm (poppler-utils) and the fonts of scripts/install-test-deps.sh.
# Only the repository's own fonts and the system's are used; the pictures
# change only when the layout does.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${QINQING:-target/release/qinqing}"
if [ ! -x "$bin" ]; then
  cargo build --release --locked
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A copy of the demo repository: rendering never writes into the project.
for part in cases rules templates departments.yaml qinqing.yaml; do
  [ -e "$part" ] && cp -r "$part" "$work/"
done
"$bin" --repo "$work" render assignment --case HZ-2026-0131 --as-of 2026-10-15 --format pdf --out "$work/out/assignment" >/dev/null
"$bin" --repo "$work" render list --meeting HZ-M-2026-23 --as-of 2026-11-20 --format pdf --out "$work/out/list" >/dev/null
"$bin" --repo "$work" render supervision --as-of 2026-11-20 --format pdf --out "$work/out/supervision" >/dev/null
"$bin" --repo "$work" render bulletin --period 2026 --as-of 2026-11-20 --format pdf --out "$work/out/bulletin" >/dev/null
rm -rf docs/samples
mkdir -p docs/samples
# The problem-list template, filled with three rows (tests/import.rs keeps it equal to what the command writes).
"$bin" --repo "$work" import --template docs/samples/问题清单示例.xlsx --with-examples 2>/dev/null
for kind in assignment list supervision bulletin; do
  pdf="$(ls "$work/out/$kind"/*.pdf | head -n 1)"
  # 50 dpi: a page is about 410 × 585 pixels, readable as a page, small in git.
  pdftoppm -r 50 -png "$pdf" "docs/samples/$kind"
done
# An enterprise's receipt, its code derived from a fixed secret so the picture changes only with the layout;
# 80 dpi so the QR code's modules stay sharp enough to scan from the screen.
mkdir -p "$work/state" docs/samples/serve
printf 'qinqing-samples-fixed-receipt-secret-0001' >"$work/state/receipt-secret"
chmod 700 "$work/state"
chmod 600 "$work/state/receipt-secret"
"$bin" --repo "$work" render receipt --case HZ-2026-0133 --as-of 2026-10-15 --state "$work/state" --format pdf --out "$work/out/receipt" >/dev/null
pdftoppm -r 80 -png -singlefile "$(ls "$work/out/receipt"/*.pdf | head -n 1)" docs/samples/serve/receipt
# The web server's pages, as the browser test sees them (each role's start page, a refused form, a case).
QINQING_SCREENSHOTS="$PWD/docs/samples/serve" cargo test --quiet --test main browser:: >/dev/null
ls -l docs/samples docs/samples/serve
