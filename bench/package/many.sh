#!/usr/bin/env bash
# Packaging many small functions (issue #14 item 2): `fcdeploy package` of a
# generated project of N python3 functions (one small file each) with a cold
# cache, RUNS times, reporting the median wall time (min-max) and the median
# maximum RSS from /usr/bin/time. BASELINE=path/to/another/fcdeploy runs that
# binary interleaved with this tree's, for a side-by-side ratio.
#
# Usage: bench/package/many.sh [N]   (default 4000; RUNS default 5)
# Needs: go, GNU time (/usr/bin/time).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-4000}
runs=${RUNS:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/fcdeploy-many.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$repo" && go build -o "$work/fcdeploy" ./cmd/fcdeploy && go build -o "$work/gen" ./bench/deploy/gen)
"$work/gen" -out "$work/proj" -services $(( (n + 99) / 100 )) -functions $(( n < 100 ? n : 100 ))
cd "$work/proj"
bins=(this)
[[ -n ${BASELINE:-} ]] && bins+=(baseline)
for _ in $(seq "$runs"); do
  for b in "${bins[@]}"; do
    bin="$work/fcdeploy"; [[ $b == baseline ]] && bin=$BASELINE
    rm -rf .fcdeploy out
    /usr/bin/time -f '%e %M' -o "$work/t" "$bin" package --out out >/dev/null
    cat "$work/t" >>"$work/$b.times"
  done
done
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "project: $(ls -d code/*/* | wc -l) functions; cold cache; medians of $runs runs (min-max)"
for b in "${bins[@]}"; do
  rss=$(sort -n -k2 "$work/$b.times" | awk '{r[NR]=$2} END {print r[int((NR+1)/2)]}')
  sort -n -k1 "$work/$b.times" | awk -v b="$b" -v rss="$rss" '{t[NR]=$1} END {m=int((NR+1)/2);
    printf "  %-9s %7.2f s (%.2f-%.2f)  max RSS %4d MB\n", b, t[m], t[1], t[NR], rss/1024}'
done
