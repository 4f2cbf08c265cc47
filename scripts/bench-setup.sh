# Sourced by the bench-*.sh scripts: builds the release binary, generates (once)
# a synthetic repository of $1 cases (default 100,000) in $2 (default a new
# temporary folder), enters it, and defines `median`. Sets $n, $dir, $bin, $tmp.
n=${1:-100000}
dir=${2:-$(mktemp -d)/bench}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --quiet
bin=$PWD/target/release/qinqing
[ -d "$dir/cases" ] || "$bin" bench-gen "$n" "$dir"
cd "$dir"
# Age the generated files past the cache's two-second trust window.
find cases -type f -exec touch -d '1 hour ago' {} +
find cases -type f -exec cat {} + > /dev/null   # warm the page cache
tmp=$(mktemp)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
