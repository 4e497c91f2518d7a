package action

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// standInGH records every call in $GH_STATE/calls.log and serves the three
// calls the action makes from $GH_STATE/comments.json: list, create and
// update issue comments. --jq is applied with jq, as gh applies it itself.
const standInGH = `#!/usr/bin/env bash
set -eu
printf '%s\n' "$*" >>"$GH_STATE/calls.log"
[ "$1" = api ] || { echo "stand-in gh: only gh api is served" >&2; exit 1; }
shift
method=GET path= filter=. body=
while [ $# -gt 0 ]; do
	case "$1" in
	-X | --method) method=$2; shift 2 ;;
	--jq | -q) filter=$2; shift 2 ;;
	--paginate) shift ;;
	-F | --field) body=${2#body=@}; shift 2 ;;
	*) path=$1; shift ;;
	esac
done
state=$GH_STATE/comments.json
if [ -n "${GH_FAIL:-}" ] && [ "$method" != GET ]; then
	echo "gh: Resource not accessible by integration (HTTP 403)" >&2
	exit 1
fi
case "$method $path" in
"GET repos/$GITHUB_REPOSITORY/issues/"*/comments)
	out=$(cat "$state") ;;
"POST repos/$GITHUB_REPOSITORY/issues/"*/comments)
	id=$(jq '[.[].id] + [100] | max + 1' "$state")
	jq --argjson id "$id" --rawfile body "$body" '. + [{id: $id, body: $body, user: {login: "github-actions[bot]"}}]' "$state" >"$state.new"
	mv "$state.new" "$state"
	out=$(jq --argjson id "$id" '.[] | select(.id == $id)' "$state") ;;
"PATCH repos/$GITHUB_REPOSITORY/issues/comments/"*)
	id=${path##*/}
	jq -e --argjson id "$id" 'any(.[]; .id == $id)' "$state" >/dev/null || { echo "gh: Not Found (HTTP 404)" >&2; exit 1; }
	jq --argjson id "$id" --rawfile body "$body" 'map(if .id == $id then .body = $body else . end)' "$state" >"$state.new"
	mv "$state.new" "$state"
	out=$(jq --argjson id "$id" '.[] | select(.id == $id)' "$state") ;;
*)
	echo "stand-in gh: no canned answer for $method $path" >&2; exit 1 ;;
esac
printf '%s' "$out" | jq -r "$filter"
`

// standInFcdeploy prints $PLAN_TEXT as the Markdown plan, writes the
// --out file, and exits with $PLAN_EXIT, like fcdeploy plan
// --detailed-exitcode; its arguments go to $GH_STATE/fcdeploy.log.
const standInFcdeploy = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$GH_STATE/fcdeploy.log"
out=
while [ $# -gt 0 ]; do
	case "$1" in --out) out=$2; shift 2 ;; *) shift ;; esac
done
if [ "${PLAN_EXIT:-0}" = 1 ]; then
	echo "Error: fcdeploy.yaml:3:5: unknown field \"servics\"" >&2
	exit 1
fi
[ -n "$out" ] && echo '{"format_version": "1"}' >"$out"
printf '%s\n' "${PLAN_TEXT:-### fcdeploy plan}"
exit "${PLAN_EXIT:-0}"
`

type comment struct {
	ID   int    `json:"id"`
	Body string `json:"body"`
	User struct {
		Login string `json:"login"`
	} `json:"user"`
}

// fakeRepo is a pull request with its comments, a stand-in gh and fcdeploy
// on PATH, and the files GitHub Actions gives a step.
type fakeRepo struct {
	t     *testing.T
	dir   string
	state string
	env   map[string]string
}

func newFakeRepo(t *testing.T, comments []comment) *fakeRepo {
	t.Helper()
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to test the action's script", tool)
			}
			t.Skipf("%s is not installed: the action's script is not tested", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	state := filepath.Join(dir, "state")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	require.NoError(t, os.MkdirAll(state, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(standInGH), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "fcdeploy"), []byte(standInFcdeploy), 0o755))
	if comments == nil {
		comments = []comment{}
	}
	data, err := json.Marshal(comments)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(state, "comments.json"), data, 0o644))
	return &fakeRepo{t: t, dir: dir, state: state, env: map[string]string{
		"PATH":                bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"GH_STATE":            state,
		"GH_TOKEN":            "test-token",
		"GITHUB_REPOSITORY":   "acme/shop",
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_RUN_ID":       "42",
		"GITHUB_SHA":          "0123456789abcdef",
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary.md"),
		"GITHUB_OUTPUT":       filepath.Join(dir, "output.txt"),
		"RUNNER_TEMP":         filepath.Join(dir, "tmp"),
		"PR_NUMBER":           "7",
		"PR_HEAD_REPO":        "acme/shop",
		"FCDEPLOY_DIR":        ".",
		"FCDEPLOY_ENV":        "staging",
		"FCDEPLOY_PROJECT":    "shop",
	}}
}

// run runs the action's script and returns its exit code and stdout.
func (r *fakeRepo) run(planText string, planExit int) (int, string) {
	r.t.Helper()
	cmd := exec.Command("bash", "plan-comment.sh")
	cmd.Env = []string{"HOME=" + r.dir, "PLAN_TEXT=" + planText, "PLAN_EXIT=" + string(rune('0'+planExit))}
	for k, v := range r.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(r.t, err, "stderr:\n%s", errOut.String())
	}
	return code, out.String()
}

func (r *fakeRepo) comments() []comment {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.state, "comments.json"))
	require.NoError(r.t, err)
	var cs []comment
	require.NoError(r.t, json.Unmarshal(data, &cs))
	return cs
}

func (r *fakeRepo) ghCalls() []string {
	data, err := os.ReadFile(filepath.Join(r.state, "calls.log"))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(r.t, err)
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func (r *fakeRepo) file(name string) string {
	data, err := os.ReadFile(filepath.Join(r.dir, name))
	require.NoError(r.t, err)
	return string(data)
}

const marker = "<!-- fcdeploy-plan:shop:staging -->"

func otherBot() comment {
	c := comment{ID: 5, Body: "Coverage: 81% (+0.2%)"}
	c.User.Login = "codecov[bot]"
	return c
}

func TestTheFirstRunCreatesTheCommentWithItsMarker(t *testing.T) {
	r := newFakeRepo(t, []comment{otherBot()})
	code, out := r.run("### fcdeploy plan for `shop`\n\n**Plan: 1 to create**", 2)
	assert.Equal(t, 0, code, "changes (exit 2) are not a failure")
	assert.Contains(t, out, "Commented the plan on pull request #7")

	cs := r.comments()
	require.Len(t, cs, 2)
	assert.Equal(t, otherBot(), cs[0], "the other bot's comment is untouched")
	assert.True(t, strings.HasPrefix(cs[1].Body, marker+"\n### fcdeploy plan for `shop`"), cs[1].Body)
	assert.Contains(t, cs[1].Body, "[workflow run](https://github.com/acme/shop/actions/runs/42)")
	assert.Contains(t, r.file("output.txt"), fmt.Sprintf("comment-id=%d\n", cs[1].ID))
	assert.Contains(t, r.file("output.txt"), "changes=true\n")
}

func TestTheSecondRunUpdatesTheSameComment(t *testing.T) {
	r := newFakeRepo(t, []comment{otherBot()})
	r.run("first plan", 2)
	id := r.comments()[1].ID
	code, out := r.run("second plan", 0)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "Updated the plan comment")

	cs := r.comments()
	require.Len(t, cs, 2, "no second comment")
	assert.Equal(t, id, cs[1].ID)
	assert.Equal(t, marker+"\nsecond plan\n", strings.Split(cs[1].Body, "<sub>")[0])
	calls := r.ghCalls()
	assert.Contains(t, calls[len(calls)-1], fmt.Sprintf("api -X PATCH repos/acme/shop/issues/comments/%d ", id))
	for _, c := range calls {
		assert.NotContains(t, c, "--edit-last")
	}
}

func TestOnlyACommentStartingWithThisMarkerIsEdited(t *testing.T) {
	quoted := comment{ID: 3, Body: "> " + marker + "\n> this plan looks wrong"}
	prod := comment{ID: 4, Body: "<!-- fcdeploy-plan:shop:prod -->\nprod plan"}
	other := comment{ID: 6, Body: "<!-- fcdeploy-plan:shop:staging-eu -->\nanother environment"}
	r := newFakeRepo(t, []comment{quoted, prod, otherBot(), other})
	r.run("staging plan", 2)

	cs := r.comments()
	require.Len(t, cs, 5, "a new comment: none of these is this project's and environment's")
	assert.Equal(t, []comment{quoted, prod, otherBot(), other}, cs[:4])
	assert.True(t, strings.HasPrefix(cs[4].Body, marker))
}

func TestExitCodesAreMapped(t *testing.T) {
	cases := []struct {
		name     string
		planExit int
		want     int
		changes  string
	}{
		{"no changes", 0, 0, "false"},
		{"changes", 2, 0, "true"},
		{"an error", 1, 1, "false"},
		{"a conflict", 3, 3, "false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newFakeRepo(t, nil)
			code, out := r.run("the plan", tc.planExit)
			assert.Equal(t, tc.want, code)
			assert.Contains(t, r.file("output.txt"), "exitcode="+string(rune('0'+tc.planExit))+"\n")
			assert.Contains(t, r.file("output.txt"), "changes="+tc.changes+"\n")
			if tc.want != 0 {
				assert.Contains(t, out, "::error title=fcdeploy::plan failed with exit status")
				// The comment says so, rather than showing an old plan.
				cs := r.comments()
				require.Len(t, cs, 1)
				assert.Contains(t, cs[0].Body, "failed")
			}
		})
	}
}

func TestAFailedPlanShowsItsErrorInTheComment(t *testing.T) {
	r := newFakeRepo(t, nil)
	code, _ := r.run("", 1)
	assert.Equal(t, 1, code)
	body := r.comments()[0].Body
	assert.True(t, strings.HasPrefix(body, marker+"\n### fcdeploy plan for `shop` (staging) failed"))
	assert.Contains(t, body, "unknown field \"servics\"")
	assert.Equal(t, 2, strings.Count(body, "```"), "the error is in one closed code block")
}

func TestTheStepSummaryGetsThePlanWithoutTheMarker(t *testing.T) {
	r := newFakeRepo(t, nil)
	r.run("### fcdeploy plan for `shop`\n\n**No changes.**", 0)
	summary := r.file("summary.md")
	assert.True(t, strings.HasPrefix(summary, "### fcdeploy plan for `shop`\n\n**No changes.**\n"), summary)
	assert.NotContains(t, summary, "<!--")
}

func TestAForkPullRequestIsNotCommentedOn(t *testing.T) {
	r := newFakeRepo(t, []comment{otherBot()})
	r.env["PR_HEAD_REPO"] = "someone/shop"
	code, out := r.run("the plan", 2)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "::notice title=fcdeploy::pull request from the fork someone/shop")
	assert.Empty(t, r.ghCalls(), "gh is not called at all")
	assert.Contains(t, r.file("summary.md"), "the plan")
}

func TestWithoutATokenThePlanStaysInTheSummary(t *testing.T) {
	r := newFakeRepo(t, nil)
	r.env["GH_TOKEN"] = ""
	code, out := r.run("the plan", 2)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "::notice title=fcdeploy::no GH_TOKEN")
	assert.Empty(t, r.ghCalls())
}

func TestAFailedCommentIsAWarningNotAFailedPlan(t *testing.T) {
	r := newFakeRepo(t, nil)
	r.env["GH_FAIL"] = "1"
	code, out := r.run("the plan", 2)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "::warning title=fcdeploy::could not comment on pull request #7")
}

func TestThePlanIsMadeForTheDirectoryAndEnvironmentWithinTheBudget(t *testing.T) {
	r := newFakeRepo(t, nil)
	r.env["FCDEPLOY_DIR"] = "services/shop"
	r.env["FCDEPLOY_ARGS"] = "--target shop/api"
	r.env["FCDEPLOY_MAX_BYTES"] = "50000"
	r.run("the plan", 0)
	data, err := os.ReadFile(filepath.Join(r.state, "fcdeploy.log"))
	require.NoError(t, err)
	args := string(data)
	assert.True(t, strings.HasPrefix(args, "plan services/shop --format markdown --detailed-exitcode --out "), args)
	assert.Contains(t, args, "--max-bytes 50000")
	assert.Contains(t, args, "--env staging")
	assert.Contains(t, args, "--target shop/api")
	assert.Contains(t, args, "--full-plan the `fcdeploy-plan-shop-staging` artifact of [this workflow run](https://github.com/acme/shop/actions/runs/42)")
	assert.Contains(t, r.file("output.txt"), "artifact=fcdeploy-plan-shop-staging\n")

	// Artifact names cannot hold slashes.
	r.env["FCDEPLOY_PROJECT"] = "services/shop"
	r.run("the plan", 0)
	assert.Contains(t, r.file("output.txt"), "artifact=fcdeploy-plan-services-shop-staging\n")
}

// TestTheScriptWithTheRealFcdeploy runs the action's script with fcdeploy
// built from this tree (and the stand-in gh) on a project deployed to the
// embedded local Function Compute, as a pull request's run would.
func TestTheScriptWithTheRealFcdeploy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fcdeploy; skipped with -short")
	}
	r := newFakeRepo(t, nil)
	bin := filepath.Join(r.dir, "bin", "fcdeploy")
	require.NoError(t, os.Remove(bin)) // the stand-in
	build := exec.Command("go", "build", "-o", bin, "../cmd/fcdeploy")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)

	proj := filepath.Join(r.dir, "proj")
	require.NoError(t, os.MkdirAll(filepath.Join(proj, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(proj, "fcdeploy.yaml"), []byte(`project: hello
environments:
  staging: {endpoint: local, accountId: "111111", region: cn-hangzhou}
services:
  hello:
    functions:
      hello: {runtime: python3, handler: index.handler, code: ./src}
`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(proj, "src", "index.py"), []byte("def handler(event, context):\n    return event\n"), 0o644))
	r.env["FCDEPLOY_DIR"] = proj
	r.env["FCDEPLOY_HOME"] = filepath.Join(r.dir, "fc-home")

	code, _ := r.run("", 0) // PLAN_* only steer the stand-in
	assert.Equal(t, 0, code)
	cs := r.comments()
	require.Len(t, cs, 1)
	assert.True(t, strings.HasPrefix(cs[0].Body, marker+"\n### fcdeploy plan for `hello`\n"), cs[0].Body)
	assert.Contains(t, cs[0].Body, "**Plan: 2 to create")
	assert.Contains(t, cs[0].Body, "Target: account 111111, region cn-hangzhou, endpoint local (embedded), env staging")
	assert.NotContains(t, cs[0].Body, r.dir, "no local paths in the comment")
	assert.Contains(t, r.file("output.txt"), "changes=true\n")
	_, err = os.Stat(filepath.Join(r.dir, "tmp", "fcdeploy-plan.json"))
	assert.NoError(t, err, "the saved plan is kept for the artifact")
}
