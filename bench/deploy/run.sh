#!/usr/bin/env bash
# Deploy benchmark (issues #4 and #14): a generated project of SERVICES x
# FUNCTIONS python3 functions with one timer trigger each, deployed to one
# `fcdeploy serve` by fcdeploy and by Funcraft (`fun deploy -y`,
# @alicloud/fun 3.6.24) in the same run, through a proxy that adds a real
# network's latency to every request (default 30 ms; LATENCY=0 for none).
#
# Each phase runs RUNS times (default 5), each run in a fresh account so the
# first deploy is really a first deploy; for each phase it prints the median
# wall time with its spread (min-max) and the median requests, writes and
# bytes the server received (read from the server's request log), so "a
# no-op apply sends only reads and uploads 0 bytes" is measured, not
# assumed.
#
# Usage: bench/deploy/run.sh [SERVICES FUNCTIONS]     (default 20 50)
# Environment: RUNS (5), LATENCY (30ms; any localfc fault spec via FAULTS,
#   e.g. FAULTS=latency=30ms,jitter=10ms,429=2%), FUNCRAFT=0 to skip Funcraft
#   (it sends one request at a time: at 30 ms a 1,000-function project takes
#   it a long time, so run it on a smaller project).
# Needs: go, curl, python3, node and npm (Funcraft is installed into
# compat/testdata by npm ci).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
services="${1:-20}"
functions="${2:-50}"
runs="${RUNS:-5}"
latency="${LATENCY:-30ms}"
faults="${FAULTS:-latency=$latency}"
funcraft="${FUNCRAFT:-1}"
work="$(mktemp -d)"
trap 'kill $server_pid $proxy_pid 2>/dev/null || true; rm -rf "$work"' EXIT
server_pid="" proxy_pid=""

go build -o "$work/fcdeploy" "$root/cmd/fcdeploy"
go build -o "$work/latency" "$root/bench/deploy/latency"
go run "$root/bench/deploy/gen" -out "$work/project" -services "$services" -functions "$functions"
if [[ $funcraft == 1 && ! -x "$root/compat/testdata/node_modules/.bin/fun" ]]; then
  (cd "$root/compat/testdata" && npm ci --no-audit --no-fund --loglevel=error)
fi

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(freeport)
export ALIBABA_CLOUD_ACCESS_KEY_ID=bench-key ALIBABA_CLOUD_ACCESS_KEY_SECRET=bench-secret-value
accounts=()
for run in $(seq "$runs"); do accounts+=(--account $((100000 + run)) --account $((200000 + run))); done
"$work/fcdeploy" serve --addr "127.0.0.1:$port" --data "$work/data" "${accounts[@]}" \
  --access-key-id bench-key --access-key-secret bench-secret-value 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
endpoint="http://127.0.0.1:$port"
if [[ $faults != "latency=0" && $faults != "latency=0s" ]]; then
  pport=$(freeport)
  "$work/latency" -listen "127.0.0.1:$pport" -target "$endpoint" -faults "$faults" 2>"$work/proxy.log" &
  proxy_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$pport/" && break; sleep 0.1; done
  endpoint="http://127.0.0.1:$pport"
fi

# phase NAME CMD...: run CMD, then append "seconds requests writes bytes" of
# the requests the server logged meanwhile to $work/NAME.times.
phase() {
  local name=$1; shift
  local before after start end
  before=$(grep -c 'msg=request' "$work/server.log" || true)
  start=$(date +%s%N)
  "$@" >"$work/phase.out" 2>&1 || { echo "$name failed:"; tail -20 "$work/phase.out"; exit 1; }
  end=$(date +%s%N)
  after=$(grep -c 'msg=request' "$work/server.log" || true)
  sed -n "$((before + 1)),${after}p" "$work/server.log" |
    awk -v ms=$(( (end - start) / 1000000 )) '
      { n++; if ($0 !~ /method=GET/) w++; if (match($0, /bytesIn=[0-9]+/)) b += substr($0, RSTART + 8, RLENGTH - 8) }
      END { printf "%.3f %d %d %d\n", ms / 1000, n, w, b }' >>"$work/$(echo "$name" | tr ' ()' '___').times"
}

# report NAME: median seconds (min-max) and median requests/writes/bytes.
report() {
  local f="$work/$(echo "$1" | tr ' ()' '___').times"
  sort -n -k1 "$f" | awk -v name="$1" '
    { t[NR] = $1; n[NR] = $2; w[NR] = $3; b[NR] = $4 }
    END { m = int((NR + 1) / 2)
          printf "%-30s %8.2f s (%.2f-%.2f) %7d requests %6d writes %12d bytes in\n", name, t[m], t[1], t[NR], n[m], w[m], b[m] }'
}

mkdir -p "$work/home/.fcli"
printf 'report: false\n' >"$work/home/.fcli/config.yaml"
fun() {
  env -u CI -u CONTINUOUS_INTEGRATION -u BUILD_NUMBER -u RUN_ID \
    HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" FUN_DISABLE_VERSION_CHECK=1 NO_UPDATE_NOTIFIER=1 \
    FC_ENDPOINT="$endpoint" ACCOUNT_ID="$account" REGION=cn-hangzhou \
    ACCESS_KEY_ID=bench-key ACCESS_KEY_SECRET=bench-secret-value \
    "$root/compat/testdata/node_modules/.bin/fun" deploy -y
}

cd "$work/project"
fn0=code/bench-svc-00/fn-00/index.py
for run in $(seq "$runs"); do
  account=$((100000 + run))
  target=(--endpoint "$endpoint" --account-id "$account" --region local)
  printf 'def handler(event, context):\n    return "bench-svc-00/fn-00"\n' >"$fn0"
  phase "fcdeploy first deploy" "$work/fcdeploy" apply . "${target[@]}" --yes
  phase "fcdeploy no-op plan" "$work/fcdeploy" plan . "${target[@]}"
  phase "fcdeploy no-op apply" "$work/fcdeploy" apply . "${target[@]}" --yes
  printf 'def handler(event, context):\n    return "changed %d"\n' "$run" >"$fn0"
  phase "fcdeploy one-function change" "$work/fcdeploy" apply . "${target[@]}" --yes
  if [[ $funcraft == 1 ]]; then
    account=$((200000 + run))
    printf 'def handler(event, context):\n    return "bench-svc-00/fn-00"\n' >"$fn0"
    phase "funcraft first deploy" fun
    phase "funcraft redeploy (no change)" fun
    printf 'def handler(event, context):\n    return "changed %d"\n' "$run" >"$fn0"
    phase "funcraft one-function change" fun
  fi
done

echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "project: $services services x $functions functions, 1 timer trigger each; faults: $faults; medians of $runs runs (min-max)"
for p in "fcdeploy first deploy" "fcdeploy no-op plan" "fcdeploy no-op apply" "fcdeploy one-function change"; do report "$p"; done
if [[ $funcraft == 1 ]]; then
  for p in "funcraft first deploy" "funcraft redeploy (no change)" "funcraft one-function change"; do report "$p"; done
fi
