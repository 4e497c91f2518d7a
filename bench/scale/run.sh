#!/usr/bin/env bash
# Scale benchmark (issue #14 item 3): how the cost of validate, plan and
# apply grows with the number of functions, against a local `fcdeploy serve`
# with no added latency. For each N it generates N python3 functions with one
# timer trigger each, in services of 500 split across included files
# (bench/deploy/gen -split), and measures with /usr/bin/time:
#   validate                    RUNS times
#   plan, empty account         RUNS times (code cache filled first by `package`)
#   apply, empty account        RUNS times, each into a new account
#   plan, no change             RUNS times (after the apply)
# printing the median wall time (min-max) and the median max RSS.
#
# Usage: bench/scale/run.sh [N...]     (default 1000 5000 20000)
# Environment: RUNS (default 5). Needs: go, curl, python3, GNU time (/usr/bin/time).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${RUNS:-5}"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 5000 20000)
work="$(mktemp -d)"
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$work"' EXIT
server_pid=""

go build -o "$work/fcdeploy" "$root/cmd/fcdeploy"
go build -o "$work/gen" "$root/bench/deploy/gen"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export ALIBABA_CLOUD_ACCESS_KEY_ID=bench-key ALIBABA_CLOUD_ACCESS_KEY_SECRET=bench-secret-value
accounts=()
# One account per size and apply run (the apply runs each start empty).
for n in "${sizes[@]}"; do for r in $(seq "$runs"); do accounts+=(--account $((3000000 + n * 10 + r))); done; done
"$work/fcdeploy" serve --addr "127.0.0.1:$port" --data "$work/data" "${accounts[@]}" \
  --access-key-id bench-key --access-key-secret bench-secret-value 2>"$work/server.log" >/dev/null &
server_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

# measure NAME CMD...: run CMD under /usr/bin/time, appending "seconds maxrss_kb".
measure() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >"$work/cmd.out" 2>&1 ||
    { echo "$name failed:"; tail -20 "$work/cmd.out"; exit 1; }
  cat "$work/time.out" >>"$work/$name.times"
}

# report LABEL NAME N: median seconds (min-max), per function, median max RSS.
report() {
  local rss
  rss=$(sort -n -k2 "$work/$2.times" | awk '{r[NR] = $2} END {print r[int((NR + 1) / 2)]}')
  sort -n -k1 "$work/$2.times" | awk -v label="$1" -v n="$3" -v rss="$rss" '
    { t[NR] = $1 }
    END { m = int((NR + 1) / 2)
          printf "  %-26s %8.2f s (%.2f-%.2f)  %6.1f us/function  max RSS %5d MB  (%d runs)\n",
                 label, t[m], t[1], t[NR], t[m] * 1e6 / n, rss / 1024, NR }'
}

echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  per=$(( n < 500 ? n : 500 ))
  svcs=$(( (n + per - 1) / per ))
  proj="$work/p$n"
  "$work/gen" -out "$proj" -services "$svcs" -functions "$per" -split
  target=(--endpoint "http://127.0.0.1:$port" --account-id $((3000000 + n * 10 + 1)) --region local)
  cd "$proj"
  "$work/fcdeploy" package --out "$work/out$n" >/dev/null
  for _ in $(seq "$runs"); do measure "validate$n" "$work/fcdeploy" validate .; done
  for _ in $(seq "$runs"); do measure "plan$n" "$work/fcdeploy" plan . "${target[@]}"; done
  for r in $(seq "$runs"); do
    measure "apply$n" "$work/fcdeploy" apply . --endpoint "http://127.0.0.1:$port" --account-id $((3000000 + n * 10 + r)) --region local --yes --parallelism 8
  done
  for _ in $(seq "$runs"); do measure "noop$n" "$work/fcdeploy" plan . "${target[@]}"; done
  echo "N = $n functions ($svcs services of $per, one file each, $(du -cb services/*.yaml | tail -1 | cut -f1) bytes of YAML):"
  report validate "validate$n" "$n"
  report "plan, empty account" "plan$n" "$n"
  report "apply, empty account" "apply$n" "$n"
  report "plan, no change" "noop$n" "$n"
  cd "$work"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
