#!/usr/bin/env bash
# plan-comment.sh: the logic of the fcdeploy GitHub Action (action.yml).
#
# Runs `fcdeploy plan` for one directory and environment, writes the plan to
# the job's step summary, and posts it as ONE pull-request comment per
# project and environment, found again on the next run by the hidden marker
#   <!-- fcdeploy-plan:PROJECT:ENV -->
# at the start of its body. Only a comment that starts with that marker is
# ever edited: other comments, including other bots', are left alone.
#
# Exit status: 0 when the plan succeeded, with or without changes (fcdeploy
# exits 2 for "changes"); otherwise fcdeploy's own status (1 error,
# 3 conflict), after the summary and the comment say that the plan failed.
#
# Inputs (environment):
#   FCDEPLOY_DIR        project directory (default .)
#   FCDEPLOY_ENV        environment of fcdeploy.yaml ("" = the default target)
#   FCDEPLOY_PROJECT    name in the marker (default: FCDEPLOY_DIR)
#   FCDEPLOY_ARGS       more arguments for plan, split on spaces (e.g. --target shop/api)
#   FCDEPLOY_MAX_BYTES  Markdown budget (default 60000; GitHub refuses comments over 65,536 characters)
#   FCDEPLOY_COMMENT    "true" to comment on the pull request (default), "false" not to
#   FCDEPLOY_OUT_DIR    where plan.json and plan.md are written (default $RUNNER_TEMP or .)
#   PR_NUMBER           the pull request's number ("" outside pull requests)
#   PR_HEAD_REPO        owner/name of the pull request's head repository
#   GH_TOKEN            token for gh; comments need pull-requests: write
#   GITHUB_REPOSITORY, GITHUB_SERVER_URL, GITHUB_RUN_ID, GITHUB_STEP_SUMMARY,
#   GITHUB_OUTPUT       set by GitHub Actions
set -uo pipefail

dir=${FCDEPLOY_DIR:-.}
env_name=${FCDEPLOY_ENV:-}
project=${FCDEPLOY_PROJECT:-$dir}
max_bytes=${FCDEPLOY_MAX_BYTES:-60000}
comment=${FCDEPLOY_COMMENT:-true}
out_dir=${FCDEPLOY_OUT_DIR:-${RUNNER_TEMP:-.}}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
outputs=${GITHUB_OUTPUT:-/dev/null}
repo=${GITHUB_REPOSITORY:-}
run_url="${GITHUB_SERVER_URL:-https://github.com}/${repo}/actions/runs/${GITHUB_RUN_ID:-0}"

marker="<!-- fcdeploy-plan:${project}:${env_name:-default} -->"
# The artifact that keeps the full plan: one per project and environment,
# in the characters artifact names allow.
artifact=$(printf 'fcdeploy-plan-%s-%s' "$project" "${env_name:-default}" | tr -c 'A-Za-z0-9._-' '-')
plan_json="$out_dir/fcdeploy-plan.json"
plan_md="$out_dir/fcdeploy-plan.md"
errors="$out_dir/fcdeploy-plan.err"
body="$out_dir/fcdeploy-comment.md"
mkdir -p "$out_dir"

# Workflow commands: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
notice() { echo "::notice title=fcdeploy::$*"; }
warning() { echo "::warning title=fcdeploy::$*"; }
output() { echo "$1=$2" >>"$outputs"; }

args=(plan "$dir" --format markdown --detailed-exitcode --out "$plan_json" --max-bytes "$max_bytes"
	--full-plan "the \`$artifact\` artifact of [this workflow run]($run_url) (\`fcdeploy show fcdeploy-plan.json\`)")
if [ -n "$env_name" ]; then
	args+=(--env "$env_name")
fi
if [ -n "${FCDEPLOY_ARGS:-}" ]; then
	# shellcheck disable=SC2206 # split on spaces, as documented
	args+=(${FCDEPLOY_ARGS})
fi

echo "fcdeploy ${args[*]}"
fcdeploy "${args[@]}" >"$plan_md" 2>"$errors"
code=$?
cat "$errors" >&2

case $code in
0 | 2)
	status=ok
	[ "$code" = 2 ] && changes=true || changes=false
	;;
*)
	status=failed
	changes=false
	;;
esac
output exitcode "$code"
output changes "$changes"
output plan "$plan_json"
output markdown "$plan_md"
output artifact "$artifact"

# The comment: the marker first (it is how the next run finds it), then the
# plan, or what went wrong.
{
	echo "$marker"
	if [ "$status" = ok ]; then
		cat "$plan_md"
	else
		echo "### fcdeploy plan for \`$project\` (${env_name:-default}) failed"
		echo
		echo "fcdeploy exited with status $code. The error:"
		echo
		echo '```'
		tail -n 20 "$errors" | sed 's/```/`\xe2\x80\x8b``/g'
		echo '```'
		echo
	fi
	echo "<sub>[workflow run]($run_url)${GITHUB_SHA:+ · commit ${GITHUB_SHA:0:7}}</sub>"
} >"$body"

# The step summary gets the same text, without the marker.
tail -n +2 "$body" >>"$summary"

post_comment() {
	if [ "$comment" != true ]; then
		return 0
	fi
	if [ -z "${PR_NUMBER:-}" ]; then
		notice "not a pull request: the plan is in the step summary only"
		return 0
	fi
	if [ -n "${PR_HEAD_REPO:-}" ] && [ "$PR_HEAD_REPO" != "$repo" ]; then
		notice "pull request from the fork $PR_HEAD_REPO: its token cannot comment, so the plan is in the step summary only"
		return 0
	fi
	if [ -z "${GH_TOKEN:-}" ]; then
		notice "no GH_TOKEN: the plan is in the step summary only (give the action a token with pull-requests: write to comment)"
		return 0
	fi
	local filter id
	# Only comments whose body starts with this project's and environment's
	# marker; the oldest one if there are several.
	filter=".[] | select((.body // \"\") | startswith(\"$marker\")) | .id"
	if ! id=$(gh api --paginate "repos/$repo/issues/$PR_NUMBER/comments" --jq "$filter"); then
		warning "could not list the comments of pull request #$PR_NUMBER; the plan is in the step summary"
		return 0
	fi
	id=$(printf '%s\n' "$id" | head -n 1)
	if [ -n "$id" ]; then
		if ! gh api -X PATCH "repos/$repo/issues/comments/$id" -F "body=@$body" --jq .id >/dev/null; then
			warning "could not update comment $id on pull request #$PR_NUMBER; the plan is in the step summary"
			return 0
		fi
		echo "Updated the plan comment $id on pull request #$PR_NUMBER."
	else
		if ! id=$(gh api -X POST "repos/$repo/issues/$PR_NUMBER/comments" -F "body=@$body" --jq .id); then
			warning "could not comment on pull request #$PR_NUMBER (does the token have pull-requests: write?); the plan is in the step summary"
			return 0
		fi
		echo "Commented the plan on pull request #$PR_NUMBER (comment $id)."
	fi
	output comment-id "$id"
}
post_comment

if [ "$status" = failed ]; then
	echo "::error title=fcdeploy::plan failed with exit status $code"
	exit "$code"
fi
exit 0
