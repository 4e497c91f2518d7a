package action

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// workflow is the part of a GitHub Actions workflow the local run needs.
type workflow struct {
	Jobs map[string]struct {
		Env      map[string]string `yaml:"env"`
		Strategy struct {
			Matrix map[string][]string `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

var (
	secretExpr = regexp.MustCompile(`^\$\{\{ secrets\.[A-Z_]+ \}\}$`)
	anyExpr    = regexp.MustCompile(`\$\{\{[^}]*\}\}`)
)

// TestTheCIExampleRunsLocally runs the fcdeploy commands of every job of
// examples/ci/fcdeploy.yml, in the order a pull request and then a merge
// would, against examples/shop (whose environments are accounts of the
// embedded local Function Compute, so no secret is needed). The fcdeploy
// action steps run action/plan-comment.sh as action.yml does (outside a pull
// request: step summary only); the other actions (checkout, artifacts)
// are what the local copy and its dist/ directory already provide.
func TestTheCIExampleRunsLocally(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fcdeploy; skipped with -short")
	}
	for _, tool := range []string{"bash", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to run the CI example", tool)
			}
			t.Skipf("%s is not installed: the CI example (its smoke test runs a python3 function) is not run", tool)
		}
	}
	data, err := os.ReadFile("../examples/ci/fcdeploy.yml")
	require.NoError(t, err)
	var wf workflow
	require.NoError(t, yaml.Unmarshal(data, &wf))

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "fcdeploy"), "../cmd/fcdeploy").CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)
	repo := filepath.Join(tmp, "repo")
	out, err = exec.Command("cp", "-R", "../examples/shop", repo).CombinedOutput()
	require.NoError(t, err, "%s", out)
	script, err := filepath.Abs("plan-comment.sh")
	require.NoError(t, err)

	summary := filepath.Join(tmp, "summary.md")
	base := []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + tmp, "FCDEPLOY_HOME=" + filepath.Join(tmp, "fc-home"), "NO_COLOR=1",
		"RUNNER_TEMP=" + filepath.Join(tmp, "runner-temp"), "GITHUB_STEP_SUMMARY=" + summary,
		"GITHUB_OUTPUT=" + filepath.Join(tmp, "output.txt"), "GITHUB_REPOSITORY=acme/shop", "GITHUB_RUN_ID=1",
	}
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "runner-temp"), 0o755))

	ran := 0
	for _, name := range []string{"check", "plan", "deploy-staging", "promote-prod"} {
		job, ok := wf.Jobs[name]
		require.True(t, ok, "the example has a %s job", name)
		env := slicesClone(base)
		for k, v := range job.Env {
			require.Regexp(t, secretExpr, v, "job %s: env %s", name, k)
			env = append(env, k+"=") // secrets: none needed for local accounts
		}
		matrix := job.Strategy.Matrix["environment"]
		if matrix == nil {
			matrix = []string{""}
		}
		for _, m := range matrix {
			for _, step := range job.Steps {
				switch {
				case strings.HasPrefix(step.Uses, "fcdeploy/fcdeploy@"):
					assert.NotContains(t, step.Uses, "@latest", "pinned")
					if step.With["command"] == "install" {
						continue // fcdeploy is on PATH already
					}
					cmd := exec.Command("bash", script)
					cmd.Dir = repo
					cmd.Env = append(slicesClone(env), "FCDEPLOY_ENV="+strings.ReplaceAll(step.With["environment"], "${{ matrix.environment }}", m), "FCDEPLOY_DIR=.", "FCDEPLOY_PROJECT=.")
					out, err := cmd.CombinedOutput()
					require.NoError(t, err, "job %s (%s): the fcdeploy action:\n%s", name, m, out)
					ran++
				case step.Run != "":
					run := strings.ReplaceAll(step.Run, "${{ matrix.environment }}", m)
					require.NotRegexp(t, anyExpr, run, "job %s: an expression the local run does not know", name)
					cmd := exec.Command("bash", "-eo", "pipefail", "-c", run)
					cmd.Dir = repo
					cmd.Env = env
					out, err := cmd.CombinedOutput()
					require.NoError(t, err, "job %s: %s\n%s", name, run, out)
					ran++
				}
			}
		}
	}
	assert.Equal(t, 12, ran, "every fcdeploy step of the example ran: 3 checks, 2 plans, 4 staging steps, 3 promotion steps")

	// The plans and the promotion are in the step summary; prod runs what
	// staging runs.
	s, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Contains(t, string(s), "### fcdeploy plan for `shop`")
	assert.Contains(t, string(s), "env prod")
	cmd := exec.Command(filepath.Join(bin, "fcdeploy"), "plan", "--env", "prod", "--detailed-exitcode")
	cmd.Dir, cmd.Env = repo, base
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "prod converged after the promotion:\n%s", out)
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
