package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// gatedFC is a local Function Compute whose first CreateFunction is held
// until the test releases it, so that a signal lands while a step is in
// flight without any sleep.
type gatedFC struct {
	URL      string
	env      []string
	entered  chan string // the function whose create is held
	release  chan struct{}
	once     sync.Once
	released sync.Once
}

// holdCreateFunction matches the first CreateFunction.
func holdCreateFunction(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/functions")
}

func startGatedFC(t *testing.T, hold func(*http.Request) bool) *gatedFC {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), localfc.StoreFileName))
	require.NoError(t, err)
	srv := localfc.New(localfc.Config{
		Store:       st,
		Credentials: map[string]string{"TESTKEY": "test-secret-of-the-gated-server"},
		KeyAccounts: map[string][]string{"TESTKEY": {localfc.AnyAccount}},
	})
	g := &gatedFC{entered: make(chan string, 1), release: make(chan struct{})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hold(r) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			held := false
			g.once.Do(func() {
				var in struct {
					FunctionName string `json:"functionName"`
				}
				_ = json.Unmarshal(body, &in)
				g.entered <- in.FunctionName
				held = true
			})
			if held {
				<-g.release
			}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		g.open()
		ts.Close()
		st.Close()
	})
	g.URL = ts.URL
	g.env = append(os.Environ(), "FCDEPLOY_HOME="+t.TempDir(), "NO_COLOR=1",
		"ALIBABA_CLOUD_ACCESS_KEY_ID=TESTKEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET=test-secret-of-the-gated-server")
	return g
}

func (g *gatedFC) open() { g.released.Do(func() { close(g.release) }) }

func (g *gatedFC) targetFlags() []string {
	return []string{"--endpoint", g.URL, "--account-id", localfc.DefaultAccountID, "--region", localfc.DefaultRegion}
}

// runningCLI is a running CLI whose output lines (stdout and stderr)
// arrive on a channel as they are written.
type runningCLI struct {
	cmd            *exec.Cmd
	lines          chan string
	mu             sync.Mutex
	stdout, stderr strings.Builder
	readers        sync.WaitGroup
}

func startCLI(t *testing.T, bin string, env []string, args ...string) *runningCLI {
	t.Helper()
	p := &runningCLI{cmd: exec.Command(bin, args...), lines: make(chan string, 10000)}
	p.cmd.Env = env
	outPipe, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	errPipe, err := p.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	read := func(r io.Reader, into *strings.Builder) {
		defer p.readers.Done()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			p.mu.Lock()
			into.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			p.lines <- sc.Text()
		}
	}
	p.readers.Add(2)
	go read(outPipe, &p.stdout)
	go read(errPipe, &p.stderr)
	go func() {
		p.readers.Wait()
		close(p.lines)
	}()
	return p
}

// waitLine reads the output until a line matching re.
func (p *runningCLI) waitLine(t *testing.T, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	for line := range p.lines {
		if rx.MatchString(line) {
			return
		}
	}
	t.Fatalf("the output ended without a line matching %q:\n%s", re, p.errText())
}

func (p *runningCLI) wait() int {
	p.readers.Wait()
	return exitCode(p.cmd.Wait())
}

func (p *runningCLI) outText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String()
}

func (p *runningCLI) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func runBin(t *testing.T, bin string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), exitCode(err)
}

// continuation is the command an interrupted run says continues it.
func continuation(t *testing.T, stderr string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^To continue, run: fcdeploy (.*)$`).FindStringSubmatch(stderr)
	require.NotNil(t, m, "no command to continue with in:\n%s", stderr)
	return strings.Fields(m[1]) // the test's arguments need no quoting
}

func TestAFirstInterruptLetsTheStepsInFlightFinishAndSaysHowToContinue(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and signals it: not in -short")
	}
	bin := buildCLI(t)
	project := writeProject(t, 1, 6)
	g := startGatedFC(t, holdCreateFunction)

	p := startCLI(t, bin, g.env, append([]string{"apply", project, "--yes"}, g.targetFlags()...)...)
	held := <-g.entered
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	p.waitLine(t, `^Interrupted \(SIGINT\): finishing the steps in flight and starting no more; interrupt again to abort at once\.$`)
	g.open() // the step in flight may finish now
	code := p.wait()
	stderr, stdout := p.errText(), p.outText()

	assert.Equal(t, exitInterrupted, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Regexp(t, `function\.svc0/`+held+`: created`, stdout, "the step in flight finished")
	assert.Regexp(t, `(?m)^Interrupted: [0-9]+ steps? done, [0-9]+ steps? not started\.$`, stderr)
	assert.Contains(t, stderr, "  version.svc0\n", "the publish waits for every function: it never started")
	assert.Contains(t, stdout, "Apply incomplete")

	// The command it names finishes the job; nothing is left to do after.
	next := continuation(t, stderr)
	assert.Equal(t, "apply", next[0])
	out, code := runBin(t, bin, g.env, next...)
	require.Equal(t, 0, code, "continuing:\n%s", out)
	out, code = runBin(t, bin, g.env, append([]string{"plan", project, "--detailed-exitcode"}, g.targetFlags()...)...)
	require.Equal(t, 0, code, "plan after continuing:\n%s", out)
}

func TestASecondInterruptAbortsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and signals it: not in -short")
	}
	bin := buildCLI(t)
	project := writeProject(t, 1, 3)
	g := startGatedFC(t, holdCreateFunction)

	p := startCLI(t, bin, g.env, append([]string{"apply", project, "--yes"}, g.targetFlags()...)...)
	<-g.entered
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	p.waitLine(t, `^Interrupted \(SIGTERM\): finishing the steps in flight`)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	p.waitLine(t, `^Interrupted again \(SIGINT\): aborting the steps in flight\.$`)
	// The held request is never released before the CLI ends: it gave it up.
	code := p.wait()
	assert.Equal(t, exitInterrupted, code, p.errText())
	assert.Contains(t, p.errText(), "To continue, run: fcdeploy apply")
	g.open()

	next := continuation(t, p.errText())
	out, code := runBin(t, bin, g.env, next...)
	require.Equal(t, 0, code, "continuing:\n%s", out)
}

func TestAnInterruptedRolloutSaysWhereTrafficStandsAndHowToResumeOrRollBack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and signals it: not in -short")
	}
	bin := buildCLI(t)
	project := writeProject(t, 1, 1)
	g := startGatedFC(t, holdCreateFunction)
	g.open() // no step is held here: the rollout waits its interval
	apply := append([]string{"apply", project, "--yes"}, g.targetFlags()...)
	out, code := runBin(t, bin, g.env, apply...)
	require.Equal(t, 0, code, out)
	require.NoError(t, os.WriteFile(filepath.Join(project, "src", "fn0", "index.py"), []byte("def handler(e, c):\n    return 'v2'\n"), 0o644))
	out, code = runBin(t, bin, g.env, apply...)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "Service svc0 is at version 2.")

	// The alias serves version 2; roll it out to 1, interrupted mid-step.
	p := startCLI(t, bin, g.env, append([]string{"rollout", "svc0/live", "--to", "1", "--steps", "50,100", "--interval", "1h"}, g.targetFlags()...)...)
	p.waitLine(t, `step 1/2 waiting 1h0m0s before the check$`)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	code = p.wait()
	stderr := p.errText()
	assert.Equal(t, exitInterrupted, code, stderr)
	assert.Contains(t, stderr, "Interrupted (SIGTERM): finishing the rollout step in flight")
	assert.Contains(t, stderr, "interrupted at step 1/2 (50%)")
	assert.Contains(t, stderr, "50% of the traffic goes to version 1, 50% to version 2")
	assert.Regexp(t, `(?m)^To continue, run: fcdeploy rollout .*--to 1 .*svc0/live --resume$`, stderr)
	assert.Regexp(t, `(?m)^To undo, run: fcdeploy rollback svc0/live --endpoint http://127\.0\.0\.1:[0-9]+ --account-id [0-9]+ --region \S+$`, stderr)

	// The undo it names puts all the traffic back on version 2.
	undo := regexp.MustCompile(`(?m)^To undo, run: fcdeploy (.*)$`).FindStringSubmatch(stderr)
	require.NotNil(t, undo)
	out, code = runBin(t, bin, g.env, strings.Fields(undo[1])...)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Alias svc0/live serves version 2 again.")
}

func TestAnInterruptWhileReadingTheLiveStateEndsAtOnceAndChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and signals it: not in -short")
	}
	bin := buildCLI(t)
	project := writeProject(t, 1, 2)
	g := startGatedFC(t, func(r *http.Request) bool { return r.Method == http.MethodGet })

	p := startCLI(t, bin, g.env, append([]string{"apply", project, "--yes"}, g.targetFlags()...)...)
	<-g.entered // the first read of the live state is held
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	p.waitLine(t, `^Interrupted \(SIGINT\)`)
	code := p.wait()
	g.open()
	assert.Equal(t, exitInterrupted, code, p.errText())
	assert.Contains(t, p.errText(), "Error: interrupted before any change was made: nothing was changed")

	out, code := runBin(t, bin, g.env, append([]string{"plan", project, "--detailed-exitcode"}, g.targetFlags()...)...)
	assert.Equal(t, exitChanges, code, "nothing was created:\n%s", out)
	assert.Contains(t, out, "+ service.svc0")
}

func TestAnInterruptedDestroyInJSONSaysSoInItsSummaryAndContinues(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and signals it: not in -short")
	}
	bin := buildCLI(t)
	project := writeProject(t, 1, 4)
	g := startGatedFC(t, func(r *http.Request) bool { return r.Method == http.MethodDelete })
	out, code := runBin(t, bin, g.env, append([]string{"apply", project, "--yes"}, g.targetFlags()...)...)
	require.Equal(t, 0, code, out)

	p := startCLI(t, bin, g.env, append([]string{"destroy", project, "--yes", "--format", "json"}, g.targetFlags()...)...)
	<-g.entered
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	p.waitLine(t, `^Interrupted \(SIGINT\)`)
	g.open()
	code = p.wait()
	assert.Equal(t, exitInterrupted, code, p.errText())
	assert.Regexp(t, `(?m)^\{"type":"summary","command":"destroy","status":"interrupted","exit_code":130,.*"skipped":[1-9]`, p.outText())

	next := continuation(t, p.errText())
	assert.Equal(t, "destroy", next[0])
	assert.Contains(t, strings.Join(next, " "), "--format json", "the same command, flags included")
	out, code = runBin(t, bin, g.env, next...)
	require.Equal(t, 0, code, "continuing:\n%s", out)
	assert.Contains(t, out, `"status":"succeeded"`)
	out, _ = runBin(t, bin, g.env, append([]string{"plan", project}, g.targetFlags()...)...)
	assert.Contains(t, out, "+ service.svc0", "everything is gone:\n%s", out)
}
