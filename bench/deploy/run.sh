#!/usr/bin/env bash
# Deploy benchmark (issue #4): a generated project of 20 services x 50 functions
# with one timer trigger each, deployed to one `fcdeploy serve` by fcdeploy and
# by Funcraft (`fun deploy -y`, @alicloud/fun 3.6.24) in the same run.
#
# For each phase it reports wall time, requests and bytes the server received
# (read from the server's request log), so "a no-op apply sends only reads and
# uploads 0 bytes" is measured, not assumed.
#
# Usage: bench/deploy/run.sh [SERVICES FUNCTIONS]   (default 20 50)
# Needs: go, node and npm (Funcraft is installed into compat/testdata by npm ci).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
services="${1:-20}"
functions="${2:-50}"
work="$(mktemp -d)"
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/fcdeploy" "$root/cmd/fcdeploy"
go run "$root/bench/deploy/gen" -out "$work/project" -services "$services" -functions "$functions"
if [[ ! -x "$root/compat/testdata/node_modules/.bin/fun" ]]; then
  (cd "$root/compat/testdata" && npm ci --no-audit --no-fund --loglevel=error)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export ALIBABA_CLOUD_ACCESS_KEY_ID=bench-key ALIBABA_CLOUD_ACCESS_KEY_SECRET=bench-secret-value
"$work/fcdeploy" serve --addr "127.0.0.1:$port" --data "$work/data" \
  --access-key-id bench-key --access-key-secret bench-secret-value 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

# phase NAME ACCOUNT CMD...: run CMD, then report time and the requests of
# ACCOUNT's namespace the server logged meanwhile.
phase() {
  local name=$1; shift
  local before after start end
  before=$(grep -c 'msg=request' "$work/server.log" || true)
  start=$(date +%s%N)
  "$@" >"$work/$name.out" 2>&1 || { echo "$name failed:"; tail -20 "$work/$name.out"; exit 1; }
  end=$(date +%s%N)
  after=$(grep -c 'msg=request' "$work/server.log" || true)
  sed -n "$((before + 1)),${after}p" "$work/server.log" >"$work/$name.log"
  awk -v name="$name" -v ms=$(( (end - start) / 1000000 )) '
    { n++; if ($0 !~ /method=GET/) w++; if (match($0, /bytesIn=[0-9]+/)) b += substr($0, RSTART + 8, RLENGTH - 8) }
    END { printf "%-28s %8.2f s %7d requests %6d writes %12d bytes in\n", name, ms / 1000, n, w, b }' "$work/$name.log"
}

cd "$work/project"
target=(--endpoint "http://127.0.0.1:$port" --account-id 100001 --region local)
echo "project: $services services x $functions functions, 1 timer trigger each"
phase "fcdeploy first deploy" "$work/fcdeploy" apply . "${target[@]}" --yes
phase "fcdeploy no-op plan" "$work/fcdeploy" plan . "${target[@]}"
phase "fcdeploy no-op apply" "$work/fcdeploy" apply . "${target[@]}" --yes
printf 'def handler(event, context):\n    return "changed"\n' >code/bench-svc-00/fn-00/index.py
phase "fcdeploy one-function change" "$work/fcdeploy" apply . "${target[@]}" --yes

mkdir -p "$work/home/.fcli"
printf 'report: false\n' >"$work/home/.fcli/config.yaml"
fun() {
  env -u CI -u CONTINUOUS_INTEGRATION -u BUILD_NUMBER -u RUN_ID \
    HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" FUN_DISABLE_VERSION_CHECK=1 NO_UPDATE_NOTIFIER=1 \
    FC_ENDPOINT="http://127.0.0.1:$port" ACCOUNT_ID=100002 REGION=cn-hangzhou \
    ACCESS_KEY_ID=bench-key ACCESS_KEY_SECRET=bench-secret-value \
    "$root/compat/testdata/node_modules/.bin/fun" deploy -y
}
printf 'def handler(event, context):\n    return "bench-svc-00/fn-00"\n' >code/bench-svc-00/fn-00/index.py
phase "funcraft first deploy" fun
phase "funcraft redeploy (no change)" fun
printf 'def handler(event, context):\n    return "changed"\n' >code/bench-svc-00/fn-00/index.py
phase "funcraft one-function change" fun
