#!/usr/bin/env bash
# Mutation testing of the engine packages, one package at a time, printing the
# kill rate of each: gremlins lists the mutants, bench/mutation/recheck tests
# them. Not part of CI: a full run takes two to three hours on two cores. See
# docs/testing.md for how to read the results.
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
workers="${WORKERS:-1}"
# ONLY restricts a run to the package's files whose base name matches: every
# other non-test .go file of the package is excluded from mutation.
only="${ONLY:-}"

# gremlins lists the mutants (--dry-run); recheck plants each one and runs
# the package's tests. gremlins' own test runs are not used: see
# bench/mutation/recheck for why.
mutate() { # DIR NAME [gremlins flags...]
  local dir=$1 name=$2
  shift 2
  # The default mutators plus && <-> ||, the kind of bug that turns cron's
  # day-of-month OR day-of-week into AND.
  "$bin/gremlins" unleash --dry-run --invert-logical "$@" \
    --output "$out/$name.json" ./"$dir" >"$out/$name.log" 2>&1 || true
  if [ ! -s "$out/$name.json" ]; then
    echo "   gremlins listed no mutants: see $out/$name.log"
    return 1
  fi
  go run ./bench/mutation/recheck -workers "$workers" -report "$out/$name.json" -pkg "$dir" >"$out/$name.recheck" 2>&1 || true
  read -r k l t v < <(sed -nE 's/^Rechecked: killed ([0-9]+), lived ([0-9]+), timed out ([0-9]+), not viable ([0-9]+)$/\1 \2 \3 \4/p' "$out/$name.recheck") || true
  if [ -z "${k:-}" ]; then
    echo "   recheck did not finish: see $out/$name.recheck"
    return 1
  fi
}

# The canary has one mutant its test kills and one that no test can: a run
# that reports anything else is not testing mutants.
echo "== canary"
k="" l="" t="" v=""
if ! mutate bench/mutation/testdata/canary canary || [ "$k $l" != "1 1" ]; then
  echo "the canary package gave killed ${k:-?}, lived ${l:-?} instead of 1 and 1: mutants are not being tested (see $out/canary.*)" >&2
  exit 1
fi

summary=()
for p in "${packages[@]}"; do
  name="${p//\//_}"
  k="" l="" t="" v=""
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
  started=$SECONDS
  if ! mutate "$p" "$name" "${exclude[@]}"; then
    summary+=("$(printf '%-14s %s' "$p" 'no result')")
    continue
  fi
  grep -E '^ *LIVED ' "$out/$name.recheck" || true
  summary+=("$(awk -v p="$p" -v k="$((k + t))" -v l="$l" -v v="$v" -v s="$((SECONDS - started))" 'BEGIN {
    printf "%-14s %4d of %4d killed  %5.1f%%   (%d lived; %d not viable; %dm%02ds)", p, k, k + l, (k + l ? 100 * k / (k + l) : 0), l, v, s / 60, s % 60 }')")
  echo "   ${summary[-1]}"
done

echo
echo "package        mutants that compile, killed (timed out counts as killed)"
printf '%s\n' "${summary[@]}"
