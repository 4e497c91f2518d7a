#!/usr/bin/env bash
# Packaging benchmark (issue #3 item 5): on a generated tree of about 100 MB
# in 5,000 files (text and incompressible binaries), time `fcdeploy package`
# with a cold cache and a warm one, and Info-ZIP `zip -qr -X` on the same
# tree, in one run. Prints the time ratio, zip sizes, warm/cold ratio and CPU
# utilisation ((user+sys)/real: 2.0 means both cores busy throughout).
#
# Usage: bench/package/run.sh [RUNS]   (default 5 runs each; medians shown)
# Needs: go, zip (Debian/Ubuntu: apt-get install zip). Installs nothing.
set -euo pipefail

runs=${1:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v zip >/dev/null; then
	echo "zip is not installed; install it with: apt-get install zip" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fcdeploy-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "building fcdeploy and the tree generator..."
(cd "$repo" && go build -o "$work/fcdeploy" ./cmd/fcdeploy && go build -o "$work/gen" ./bench/package/gen)

mkdir -p "$work/proj"
"$work/gen" -dir "$work/proj/code" -files 5000 -size $((100 << 20))
cat >"$work/proj/fcdeploy.yaml" <<'YAML'
project: bench
services:
  bench:
    functions:
      app:
        runtime: custom
        handler: index.handler
        code: ./code
YAML
# Read the tree once so every tool starts from the page cache.
find "$work/proj/code" -type f -exec cat {} + >/dev/null

# once NAME COMMAND: runs COMMAND once and appends "real user sys" to
# $work/NAME.times.
once() {
	local name=$1 cmd=$2
	local TIMEFORMAT='%R %U %S'
	{ time eval "$cmd" >/dev/null 2>"$work/$name.err"; } 2>>"$work/$name.times" || {
		cat "$work/$name.err" >&2
		exit 1
	}
}

# median COLUMN NAME: the median of a column of NAME.times.
median() {
	sort -n -k"$1" "$work/$2.times" | awk -v c="$1" '{v[NR]=$c} END {print v[int((NR+1)/2)]}'
}

# spread NAME: "min-max" of the real times of NAME.times.
spread() {
	sort -n -k1 "$work/$1.times" | awk '{v[NR]=$1} END {printf "%.3f-%.3f", v[1], v[NR]}'
}

# cpu NAME: the median CPU seconds (user+sys), which machine load barely changes.
cpu() {
	awk '{print $2+$3}' "$work/$1.times" | sort -n | awk '{v[NR]=$1} END {printf "%.2f", v[int((NR+1)/2)]}'
}

# util NAME: (user+sys)/real of the median-real run.
util() {
	sort -n -k1 "$work/$1.times" | awk '{r[NR]=$1; c[NR]=$2+$3} END {m=int((NR+1)/2); printf "%.2f", c[m]/r[m]}'
}

cd "$work/proj"
echo "timing $runs runs each (cold fcdeploy and zip interleaved, so both see the same machine load)..."
: >"$work/cold.times"; : >"$work/zip.times"; : >"$work/warm.times"
for _ in $(seq "$runs"); do
	rm -rf .fcdeploy/cache out
	once cold "$work/fcdeploy package --out out"
	rm -f "$work/zip.zip"
	once zip "(cd code && zip -qr -X $work/zip.zip .)"
done
for _ in $(seq "$runs"); do
	once warm "$work/fcdeploy package --out out"
done

cold=$(median 1 cold) warm=$(median 1 warm) zipt=$(median 1 zip)
fsize=$(stat -c %s out/bench/app.zip)
zsize=$(stat -c %s "$work/zip.zip")
tree=$(du -sb --apparent-size code | cut -f1)
files=$(find code -type f | wc -l)

echo
echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:     $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "machine:    $(nproc) cores, $(go version | cut -d' ' -f3), $(zip -v | sed -n 2p | awk '{print $3, $4}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree:       $files files, $((tree >> 20)) MiB"
echo "medians of $runs runs (real seconds, min-max; CPU utilisation = (user+sys)/real):"
printf '  fcdeploy package, cold cache  %6.3fs (%s)  CPU utilisation %s  CPU seconds %s\n' "$cold" "$(spread cold)" "$(util cold)" "$(cpu cold)"
printf '  fcdeploy package, warm cache  %6.3fs (%s)  CPU utilisation %s  CPU seconds %s\n' "$warm" "$(spread warm)" "$(util warm)" "$(cpu warm)"
printf '  zip -qr -X                    %6.3fs (%s)  CPU utilisation %s  CPU seconds %s\n' "$zipt" "$(spread zip)" "$(util zip)" "$(cpu zip)"
awk -v a="$cold" -v b="$zipt" 'BEGIN {printf "time ratio fcdeploy(cold)/zip: %.2f  (goal: <= 0.60)\n", a/b}'
awk -v a="$cold" -v b="$warm" 'BEGIN {printf "warm speed-up cold/warm:       %.1fx (goal: >= 20x)\n", a/b}'
awk -v a="$(cpu cold)" -v b="$(cpu warm)" 'BEGIN {printf "CPU seconds cold/warm:         %.1fx\n", a/b}'
awk -v a="$fsize" -v b="$zsize" 'BEGIN {printf "zip sizes: fcdeploy %d bytes, zip %d bytes (fcdeploy/zip %.3f)\n", a, b, a/b}'
