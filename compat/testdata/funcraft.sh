#!/usr/bin/env bash
# Deploys compat/testdata/funcraft/template.yml with Funcraft 3.6.24 (`fun deploy -y`) twice in a row
# against a running server, then checks with the official Node SDK that the service, the
# python3 function and the timer trigger exist and that the second deploy updated them.
#
# Target (same variables as sdk.test.js): FC_ENDPOINT, FC_ACCOUNT_ID, FC_ACCESS_KEY_ID,
# FC_ACCESS_KEY_SECRET, optional FC_REGION. Needs `npm ci` in compat/ first.
#
# Funcraft runs in a temp copy of the project (it writes .fun/ next to the template) with a
# throwaway HOME, so nothing in the checkout or the user's ~/.fcli changes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${FC_ENDPOINT:?FC_ENDPOINT is not set (e.g. http://127.0.0.1:9000)}"
: "${FC_ACCOUNT_ID:?FC_ACCOUNT_ID is not set}"
: "${FC_ACCESS_KEY_ID:?FC_ACCESS_KEY_ID is not set}"
: "${FC_ACCESS_KEY_SECRET:?FC_ACCESS_KEY_SECRET is not set}"
region="${FC_REGION:-cn-hangzhou}"

fun="$here/node_modules/.bin/fun"
if [[ ! -x "$fun" ]]; then
  echo "funcraft.sh: $fun is missing: run 'npm ci' in $here first" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/.fcli"
# report: false keeps Funcraft's analytics off (with no config file, a CI environment makes it
# send a pageview to the internet). Everything else comes from the environment below.
printf 'report: false\n' >"$work/home/.fcli/config.yaml"
cp -R "$here/funcraft" "$work/project"

deploy() {
  echo "== fun deploy -y ($1)"
  (
    cd "$work/project"
    env -u CI -u CONTINUOUS_INTEGRATION -u BUILD_NUMBER -u RUN_ID \
      -u SECURITY_TOKEN -u TIMEOUT -u RETRIES -u DEFAULT_REGION -u ENABLE_CUSTOM_ENDPOINT \
      HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
      FUN_DISABLE_VERSION_CHECK=1 NO_UPDATE_NOTIFIER=1 \
      FC_ENDPOINT="$FC_ENDPOINT" ACCOUNT_ID="$FC_ACCOUNT_ID" REGION="$region" \
      ACCESS_KEY_ID="$FC_ACCESS_KEY_ID" ACCESS_KEY_SECRET="$FC_ACCESS_KEY_SECRET" \
      "$fun" deploy -y
  )
}

check() {
  echo "== check ($1)"
  node "$here/funcraft_check.js" "$@"
}

deploy "first"
check "after the first deploy" "$work/state1.json"
deploy "second"
check "after the second deploy" "$work/state2.json" "$work/state1.json"
echo "funcraft.sh: Funcraft deployed twice; service, function and timer trigger are live"
