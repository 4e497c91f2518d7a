#!/usr/bin/env bash
# Side-by-side check that validate and a no-change plan grow linearly with
# N: 5,000 and 20,000 functions (the bench/deploy generator, one file per
# service of 500), deployed to one embedded local Function Compute, then
# validate and plan of each size alternated RUNS times, so that the load of
# a shared machine weighs on both sizes alike. Prints each time and the
# medians; a ratio near 4 (20,000 / 5,000) is linear.
#
# Usage: bench/scale/interleave.sh      Environment: RUNS (5)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${RUNS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/fcdeploy" "$root/cmd/fcdeploy"
go build -o "$work/gen" "$root/bench/deploy/gen"
export FCDEPLOY_HOME="$work/home"
for n in 5 20; do
  "$work/gen" -out "$work/p$n" -services $((n * 2)) -functions 500 -split >/dev/null
  (cd "$work/p$n" && "$work/fcdeploy" apply . --yes >/dev/null)
done
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$runs"); do
  for n in 5 20; do
    cd "$work/p$n"
    /usr/bin/time -f "validate ${n}k %e" -a -o "$work/times" "$work/fcdeploy" validate . >/dev/null
    /usr/bin/time -f "noop-plan ${n}k %e" -a -o "$work/times" "$work/fcdeploy" plan . >/dev/null
  done
done
sort -k1,2 -k3n "$work/times" | awk '
  { k = $1 " " $2; v[k] = v[k] " " $3; c[k]++; a[k, c[k]] = $3 }
  END { for (k in v) printf "%-16s median %6.2f s  (%s )\n", k, a[k, int((c[k] + 1) / 2)], v[k] }' | sort
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
