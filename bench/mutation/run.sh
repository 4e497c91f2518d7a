#!/usr/bin/env bash
# Mutation testing of the engine packages with gremlins, one package at a time,
# printing the kill rate of each. Not part of CI: a full run takes over an hour
# on two cores. See docs/testing.md for how to read the results.
#
#   bench/mutation/run.sh                 # every engine package
#   bench/mutation/run.sh fc render       # just these
#   WORKERS=2 bench/mutation/run.sh fc    # more parallel mutants (default 1)
#   ONLY='decode|mask' bench/mutation/run.sh manifest
#                                         # only files whose name matches (a
#                                         # regexp), when a whole package is too slow
set -euo pipefail
cd "$(dirname "$0")/../.."

# Pinned so the figures in docs/testing.md stay comparable.
GREMLINS_VERSION=v0.6.0
# Outside the tree: gremlins copies the module for each worker.
bin="${XDG_CACHE_HOME:-$HOME/.cache}/fcdeploy-mutation/$GREMLINS_VERSION"
if [ ! -x "$bin/gremlins" ] || ! go version -m "$bin/gremlins" | grep -q "gremlins.*$GREMLINS_VERSION"; then
  echo "installing gremlins $GREMLINS_VERSION into $bin"
  GOBIN="$bin" GOFLAGS= go install "github.com/go-gremlins/gremlins/cmd/gremlins@$GREMLINS_VERSION"
fi

packages=("$@")
if [ ${#packages[@]} -eq 0 ]; then
  # Smallest first, so a run cut short still reports whole packages.
  packages=(applier schema rollout render promote importer fc localfc/store packager convert manifest planner builder)
fi

out="bench/mutation/out"
mkdir -p "$out"
# A mutant whose tests run longer than this many times the unmutated run is
# counted as timed out (detected): mutants that loop forever must not hang the run.
timeout_coefficient="${TIMEOUT_COEFFICIENT:-10}"
workers="${WORKERS:-1}"
# ONLY restricts a run to the package's files whose base name matches: every
# other non-test .go file of the package is excluded from mutation.
only="${ONLY:-}"

summary=()
for p in "${packages[@]}"; do
  name="${p//\//_}"
  k="" l="" n="" t="" rk="" rl="" rt="" rv=""
  echo "== $p${only:+ (files matching $only)}"
  exclude=()
  if [ -n "$only" ]; then
    for f in "$p"/*.go; do
      case "$f" in *_test.go) continue ;; esac
      if ! basename "$f" | grep -Eq -- "$only"; then
        exclude+=(--exclude-files "(^|/)$(basename "$f")\$")
      fi
    done
  fi
  # The default mutators plus && <-> ||, the kind of bug that turns cron's
  # day-of-month OR day-of-week into AND.
  "$bin/gremlins" unleash --workers "$workers" --test-cpu 1 --invert-logical \
    --timeout-coefficient "$timeout_coefficient" "${exclude[@]}" \
    --output "$out/$name.json" ./"$p" >"$out/$name.log" 2>&1 || true
  # gremlins prints "Killed: K, Lived: L, Not covered: N" and "Timed out: T, ...".
  read -r k l n < <(sed -nE 's/.*Killed: ([0-9]+), Lived: ([0-9]+), Not covered: ([0-9]+).*/\1 \2 \3/p' "$out/$name.log" | tail -1) || true
  if [ -z "${k:-}" ]; then
    echo "   gremlins did not finish: see $out/$name.log"
    summary+=("$(printf '%-14s %s' "$p" 'no result')")
    continue
  fi
  t=$(sed -nE 's/.*Timed out: ([0-9]+).*/\1/p' "$out/$name.log" | tail -1)
  t=${t:-0}
  # What gremlins calls NOT COVERED is often under test (see recheck's doc):
  # run those mutants too, so every mutant that compiles is counted.
  go run ./bench/mutation/recheck -workers "$workers" -report "$out/$name.json" -pkg "$p" >"$out/$name.recheck" 2>&1 || true
  read -r rk rl rt rv < <(sed -nE 's/^Rechecked: killed ([0-9]+), lived ([0-9]+), timed out ([0-9]+), not viable ([0-9]+)$/\1 \2 \3 \4/p' "$out/$name.recheck") || true
  if [ -z "${rk:-}" ]; then
    echo "   recheck did not finish: see $out/$name.recheck"
    rk=0 rl=$n rt=0 rv=0
  fi
  grep -E '^ *LIVED ' "$out/$name.log" "$out/$name.recheck" | sed -E 's/^[^:]*: */   /' || true
  killed=$((k + t + rk + rt))
  lived=$((l + rl))
  summary+=("$(awk -v p="$p" -v k="$killed" -v l="$lived" -v v="$rv" 'BEGIN {
    printf "%-14s %4d of %4d killed  %5.1f%%   (%d lived; %d not viable)", p, k, k + l, (k + l ? 100 * k / (k + l) : 0), l, v }')")
done

echo
echo "package        mutants that compile, killed (timed out counts as killed)"
printf '%s\n' "${summary[@]}"
