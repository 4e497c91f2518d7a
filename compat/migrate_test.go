package compat

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// TestFuncraftEstateImportsAndConvertsToTheSameEstate deploys a template.yml with
// several services, functions and trigger types with Funcraft, then proves both ways
// in: `fcdeploy import` of that account plans no change, and `fcdeploy convert` of
// the template applied to a second, empty account gives the same live configuration
// (every field of every service, function, trigger and custom domain) and the same
// code by content.
func TestFuncraftEstateImportsAndConvertsToTheSameEstate(t *testing.T) {
	t.Parallel()
	requireNode(t)
	funcraftAccount, convertedAccount := startServer(t), startServer(t)
	project := copyDir(t, filepath.Join(jsDir(), "migrate", "funcraft"))
	funDeploy(t, funcraftAccount, project)

	// import, then plan: nothing to change.
	imported := filepath.Join(t.TempDir(), "imported")
	out := fcdeploy(t, funcraftAccount, 0, nil, "import", imported)
	assert.Contains(t, out, "Imported 2 services, 3 functions, 5 triggers")
	assert.Contains(t, out, "With 1 custom domain")
	assert.Contains(t, out, "DB_PASSWORD (shop/api:DB_PASSWORD)")
	manifest, err := os.ReadFile(filepath.Join(imported, "fcdeploy.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(manifest), "hunter2", "secret values are never written")
	fcdeploy(t, funcraftAccount, 0, []string{"DB_PASSWORD=hunter2"}, "plan", imported, "--detailed-exitcode")

	// convert, apply to the empty account: the same estate.
	converted := filepath.Join(t.TempDir(), "converted")
	out = fcdeploy(t, funcraftAccount, 0, nil, "convert", filepath.Join(project, "template.yml"), "--out", converted)
	assert.Contains(t, out, "2 services, 3 functions, 5 triggers, 1 custom domain.")
	accountEnv := []string{"ACCOUNT_ID=" + funcraftAccount.accountID, "REGION=cn-hangzhou"}
	fcdeploy(t, convertedAccount, 0, accountEnv, "apply", converted, "--yes")
	fcdeploy(t, convertedAccount, 0, accountEnv, "plan", converted, "--detailed-exitcode")

	// The converted project also describes Funcraft's account as it is:
	// its plan there only adopts the services, which the import tagged as
	// project imported's.
	out = fcdeploy(t, funcraftAccount, 2, accountEnv, "plan", converted, "--detailed-exitcode")
	assert.Contains(t, out, "~ service.shop (adopt from project imported)")
	assert.Contains(t, out, "~ service.reports (adopt from project imported)")
	assert.Contains(t, out, "Plan: 0 to create, 2 to update, 0 to delete")
	assert.Equal(t, 2, strings.Count(out, " = "), "nothing but the project tags changes:\n%s", out)

	want, got := readEstate(t, funcraftAccount), readEstate(t, convertedAccount)
	assert.Equal(t, want.config, got.config, "the converted project deploys the configuration Funcraft deployed")
	assert.Equal(t, want.code, got.code, "and the same files")
	assert.Contains(t, want.code["shop/api"], "index.py")
	assert.NotContains(t, want.code["shop/api"], "secret.txt", ".funignore applied by Funcraft")
	assert.NotContains(t, want.code["shop/api"], ".env", "Funcraft's built-in ignores")
	assert.Equal(t, "755 #!/bin/sh\necho run\n", want.code["reports/daily"]["run.sh"])
}

// TestServerlessDevsEnvironmentsConvertToWhatEachFileDescribes converts an s.yaml
// with an s-prod.yaml and deploys each environment to its own account: each gets the
// values its file gives (no Serverless Devs binary is needed).
func TestServerlessDevsEnvironmentsConvertToWhatEachFileDescribes(t *testing.T) {
	t.Parallel()
	def, prod := startServer(t), startServer(t)
	project := copyDir(t, filepath.Join(jsDir(), "migrate", "sdevs"))
	out := fcdeploy(t, def, 0, nil, "convert", filepath.Join(project, "s.yaml"))
	assert.Contains(t, out, "Environments: default, prod.")
	env := []string{"HELLO_TOKEN=t0ken"}
	for _, c := range []struct {
		srv                 server
		env, description    string
		memorySize, timeout int32
	}{
		{def, "default", "hello world", 128, 30},
		{prod, "prod", "hello world (prod)", 512, 60},
	} {
		fcdeploy(t, c.srv, 0, env, "apply", project, "--env", c.env, "--yes")
		cl := client(t, c.srv)
		ctx := context.Background()
		svc, err := cl.GetService(ctx, "hello-svc", "")
		require.NoError(t, err, c.env)
		assert.Equal(t, c.description, svc.Description, c.env)
		assert.True(t, svc.InternetAccess, c.env)
		fn, err := cl.GetFunction(ctx, "hello-svc", "", "hello")
		require.NoError(t, err, c.env)
		assert.Equal(t, "python3", fn.Runtime)
		assert.Equal(t, "index.handler", fn.Handler)
		assert.Equal(t, c.memorySize, fn.MemorySize, c.env)
		assert.Equal(t, c.timeout, fn.Timeout, c.env)
		assert.Equal(t, map[string]string{"TOKEN": "t0ken"}, fn.EnvironmentVariables)
		trigs, err := cl.ListAllTriggers(ctx, "hello-svc", "hello")
		require.NoError(t, err)
		got := map[string]string{}
		for _, tr := range trigs {
			got[tr.TriggerName] = tr.TriggerType + " " + compactJSON(t, tr.TriggerConfig)
		}
		assert.Equal(t, map[string]string{
			"web":  `http {"authType":"anonymous","methods":["GET"]}`,
			"tick": `timer {"cronExpression":"@every 5m","enable":true}`,
		}, got, c.env)
	}
}

// fcdeploy runs the CLI against srv and checks its exit code.
func fcdeploy(t *testing.T, srv server, wantExit int, env []string, args ...string) string {
	t.Helper()
	bin, err := fcdeployBinary()
	require.NoError(t, err)
	switch args[0] {
	case "import", "plan", "apply":
		args = append(args, "--endpoint", srv.endpoint, "--account-id", srv.accountID, "--region", "cn-hangzhou")
	}
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "ALIBABA_CLOUD_ACCESS_KEY_ID="+srv.keyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+srv.keySecret,
		"FCDEPLOY_HOME="+t.TempDir(), "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("fcdeploy %v: %v", args, err)
	}
	require.Equal(t, wantExit, code, "fcdeploy %s exited with %d; output:\n%s", strings.Join(args, " "), code, out)
	return string(out)
}

// funDeploy runs `fun deploy -y` in dir against srv, as funcraft.sh does.
func funDeploy(t *testing.T, srv server, dir string) {
	t.Helper()
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".fcli"), 0o755))
	// report: false keeps Funcraft's analytics off.
	require.NoError(t, os.WriteFile(filepath.Join(home, ".fcli", "config.yaml"), []byte("report: false\n"), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(jsDir(), "node_modules", ".bin", "fun"), "deploy", "-y")
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains([]string{"CI", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER", "RUN_ID", "SECURITY_TOKEN", "TIMEOUT", "RETRIES", "DEFAULT_REGION", "ENABLE_CUSTOM_ENDPOINT"}, name) {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"FUN_DISABLE_VERSION_CHECK=1", "NO_UPDATE_NOTIFIER=1",
		"FC_ENDPOINT="+srv.endpoint, "ACCOUNT_ID="+srv.accountID, "REGION=cn-hangzhou",
		"ACCESS_KEY_ID="+srv.keyID, "ACCESS_KEY_SECRET="+srv.keySecret)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "fun deploy -y:\n%s", out)
	t.Logf("fun deploy -y:\n%s", out)
}

// estate is an account's live configuration without server-owned fields,
// and each function's code as path -> "MODE CONTENT".
type estate struct {
	config map[string]any
	code   map[string]map[string]string
}

func client(t *testing.T, srv server) *fc.Client {
	t.Helper()
	c, err := fc.NewClient(fc.Config{Endpoint: srv.endpoint, AccountID: srv.accountID, Region: "cn-hangzhou",
		Credentials: fc.Credentials{AccessKeyID: srv.keyID, AccessKeySecret: srv.keySecret}})
	require.NoError(t, err)
	return c
}

func readEstate(t *testing.T, srv server) estate {
	t.Helper()
	ctx := context.Background()
	c := client(t, srv)
	e := estate{config: map[string]any{}, code: map[string]map[string]string{}}
	domains, err := c.ListAllCustomDomains(ctx, "")
	require.NoError(t, err)
	for _, d := range domains {
		e.config["custom domain "+d.DomainName] = withoutServerFields(t, d)
	}
	services, err := c.ListAllServices(ctx, "")
	require.NoError(t, err)
	for _, s := range services {
		e.config["service "+s.ServiceName] = withoutServerFields(t, s)
		fns, err := c.ListAllFunctions(ctx, s.ServiceName, "")
		require.NoError(t, err)
		for _, f := range fns {
			key := s.ServiceName + "/" + f.FunctionName
			e.config["function "+key] = withoutServerFields(t, f)
			trigs, err := c.ListAllTriggers(ctx, s.ServiceName, f.FunctionName)
			require.NoError(t, err)
			for _, tr := range trigs {
				e.config["trigger "+key+"/"+tr.TriggerName] = withoutServerFields(t, tr)
			}
			loc, err := c.GetFunctionCode(ctx, s.ServiceName, "", f.FunctionName)
			require.NoError(t, err)
			zipped, err := c.DownloadCode(ctx, loc)
			require.NoError(t, err)
			e.code[key] = unzipped(t, zipped)
		}
	}
	return e
}

// withoutServerFields is v as JSON without the fields the server sets.
func withoutServerFields(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"serviceId", "functionId", "createdTime", "lastModifiedTime", "codeChecksum", "codeSize"} {
		delete(m, k)
	}
	if cfg, ok := m["triggerConfig"].(string); ok {
		var x any
		if json.Unmarshal([]byte(cfg), &x) == nil {
			m["triggerConfig"] = x
		}
	}
	// A NAS user and group mean nothing without a mount point: Funcraft
	// sends -1, fcdeploy nothing.
	if nas, ok := m["nasConfig"].(map[string]any); ok {
		if mps, _ := nas["mountPoints"].([]any); len(mps) == 0 {
			delete(m, "nasConfig")
		}
	}
	// Funcraft leaves out the enable of a timer it was not given, which
	// Function Compute reads as false; fcdeploy writes the false.
	if cfg, ok := m["triggerConfig"].(map[string]any); ok && m["triggerType"] == "timer" {
		if _, has := cfg["enable"]; !has {
			cfg["enable"] = false
		}
	}
	return withoutEmpty(m).(map[string]any)
}

// withoutEmpty drops empty values ("", 0, false, null, [] and {}) from
// objects: Funcraft sends layers: [] and empty lifecycle hooks where
// fcdeploy sends nothing, and the server answers each as given.
func withoutEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			e = withoutEmpty(e)
			switch y := e.(type) {
			case nil:
				continue
			case string:
				if y == "" {
					continue
				}
			case float64:
				if y == 0 {
					continue
				}
			case bool:
				if !y {
					continue
				}
			case []any:
				if len(y) == 0 {
					continue
				}
			case map[string]any:
				if len(y) == 0 {
					continue
				}
			}
			out[k] = e
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutEmpty(e)
		}
		return out
	}
	return v
}

func unzipped(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range zr.File {
		if f.Mode().IsDir() || strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		mode := "644"
		if f.Mode()&0o111 != 0 {
			mode = "755"
		}
		out[strings.TrimPrefix(f.Name, "./")] = mode + " " + string(b)
	}
	return out
}

func compactJSON(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Compact(&b, raw))
	return b.String()
}

// copyDir copies a test project to a temporary directory, keeping modes,
// because Funcraft and convert write next to it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	require.NoError(t, filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, fi.Mode().Perm())
	}))
	return dst
}
