#!/usr/bin/env bash
# Build benchmark (issue #11): a generated project of 50 nodejs functions,
# each in its own code directory with the same package.json and
# package-lock.json (three dependencies as tarballs inside the directory, so
# no registry is involved). Times `fcdeploy build` with an empty build cache
# (50 staged copies, 50 `npm ci --omit=dev`) and again with the cache filled
# (nothing rebuilt), RUNS times each, and prints the median with the range.
#
# Usage: bench/build/run.sh [RUNS] [FUNCTIONS]   (defaults 5 and 50)
# Needs: go, node, npm. Installs nothing.
set -euo pipefail

runs=${1:-5}
n=${2:-50}
repo=$(cd "$(dirname "$0")/../.." && pwd)
for tool in go node npm; do
	command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fcdeploy-buildbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "building fcdeploy and the project generator..."
(cd "$repo" && go build -o "$work/fcdeploy" ./cmd/fcdeploy && go build -o "$work/gen" ./bench/build/gen)
"$work/gen" -dir "$work/proj" -functions "$n"
cd "$work/proj"

# once NAME COMMAND: runs COMMAND and appends its real time to NAME.times.
once() {
	local name=$1 cmd=$2
	local TIMEFORMAT='%R'
	{ time eval "$cmd" >"$work/$name.out" 2>"$work/$name.err"; } 2>>"$work/$name.times" || {
		cat "$work/$name.out" "$work/$name.err" >&2
		exit 1
	}
}

# stats NAME: "median (min-max)" of NAME.times, in seconds.
stats() {
	sort -n "$work/$1.times" | awk '{v[NR]=$1} END {printf "%.2f s (%.2f-%.2f)", v[int((NR+1)/2)], v[1], v[NR]}'
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit: $(git -C "$repo" rev-parse --short HEAD)"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), node $(node --version), npm $(npm --version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/cold.times"; : >"$work/cached.times"
for _ in $(seq "$runs"); do
	rm -rf .fcdeploy/build
	once cold "$work/fcdeploy build"
	grep -q ": $n built, 0 cached" "$work/cold.out" || { cat "$work/cold.out" >&2; exit 1; }
	once cached "$work/fcdeploy build"
	grep -q ": 0 built, $n cached" "$work/cached.out" || { cat "$work/cached.out" >&2; exit 1; }
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fcdeploy build, $n functions, empty cache:  $(stats cold)"
echo "fcdeploy build, $n functions, cache filled: $(stats cached)"
cold=$(sort -n "$work/cold.times" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
cached=$(sort -n "$work/cached.times" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
awk -v c="$cold" -v w="$cached" 'BEGIN {printf "cached run is %.1fx faster than cold (medians)\n", c/w}'
