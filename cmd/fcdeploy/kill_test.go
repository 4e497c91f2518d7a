package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildCLI builds the fcdeploy binary once for tests that must kill a real
// process.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fcdeploy")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// writeProject writes a project of services x functions with a trigger each,
// a published version and an alias: enough steps for a kill to land midway.
func writeProject(t *testing.T, services, functions int) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("project: kill\nservices:\n")
	for s := 0; s < services; s++ {
		fmt.Fprintf(&b, "  svc%d:\n    publish: true\n    aliases: {live: {version: latest}}\n    functions:\n", s)
		for f := 0; f < functions; f++ {
			fmt.Fprintf(&b, "      fn%d:\n        runtime: python3\n        handler: index.handler\n        code: ./src/fn%d\n", f, f)
			b.WriteString("        triggers: {tick: {type: timer, qualifier: live, config: {cronExpression: \"@every 1h\", enable: false}}}\n")
		}
	}
	for f := 0; f < functions; f++ {
		src := filepath.Join(dir, "src", fmt.Sprintf("fn%d", f))
		require.NoError(t, os.MkdirAll(src, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(src, "index.py"), []byte(fmt.Sprintf("def handler(e, c):\n    return %d\n", f)), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fcdeploy.yaml"), []byte(b.String()), 0o644))
	return dir
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestAnApplyKilledAtAnyPointConvergesOnTheNextApply kills `fcdeploy apply`
// with SIGKILL at several moments; the next apply must finish the job and a
// plan must then find nothing to do.
func TestAnApplyKilledAtAnyPointConvergesOnTheNextApply(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and kills it: not in -short")
	}
	bin := buildCLI(t)
	project := writeProject(t, 3, 8)
	// Kill after the n-th finished step: before anything, amid creates,
	// around the publish, and among the aliases and triggers at the end.
	for _, n := range []int{0, 5, 30, 55} {
		t.Run(fmt.Sprintf("after %d steps", n), func(t *testing.T) {
			env := append(os.Environ(), "FCDEPLOY_HOME="+t.TempDir(), "NO_COLOR=1")
			run := func(args ...string) (string, int) {
				cmd := exec.Command(bin, args...)
				cmd.Env = env
				out, err := cmd.CombinedOutput()
				return string(out), exitCode(err)
			}

			killed := exec.Command(bin, "apply", project, "--yes")
			killed.Env = env
			stdout, err := killed.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, killed.Start())
			done := 0
			sc := bufio.NewScanner(stdout)
			for done < n && sc.Scan() {
				if strings.Contains(sc.Text(), " in ") && !strings.HasPrefix(sc.Text(), "Apply complete") {
					done++
				}
			}
			_ = killed.Process.Kill()
			go io.Copy(io.Discard, stdout)
			_ = killed.Wait()
			require.Equal(t, n, done, "the kill must land after %d steps", n)

			out, code := run("apply", project, "--yes")
			require.Equal(t, 0, code, "apply after kill -9 after %d steps:\n%s", n, out)
			out, code = run("plan", project, "--detailed-exitcode")
			require.Equal(t, 0, code, "plan after the recovering apply must find nothing:\n%s", out)
			require.Contains(t, out, "No changes")
		})
	}
}
