package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// canarySecrets are secrets of every shape that used to slip through
// masking somewhere: longer than messages truncate to, with quotes,
// backslashes, newlines, non-ASCII letters, JSON and format metacharacters.
func canarySecrets(round string) map[string]string {
	return map[string]string{
		"C_LONG":      "Long" + round + "Zq7vW2xK9pL4mN8bR3tY6uJ1hG5fD0sAeCiOkQwXyZ-and-then-some-more",
		"C_QUOTED":    `Quo` + round + `"te'd"Pa"ss"word`,
		"C_BACKSLASH": `Bks` + round + `\lash\\C:\path\n\t\x41`,
		"C_MULTILINE": "Mul" + round + "tiLine-first\nsecond-line-here\r\nthird",
		"C_UNICODE":   "Uni" + round + "ĉødé-пароль-秘密の鍵-🔑🔑",
		"C_META":      "Met" + round + `a%s%d{"json":true}</script>${env.X}`,
	}
}

// leak names the first run of 8 bytes of a secret found in s.
func leak(s string, secrets map[string]string) string {
	for name, v := range secrets {
		for i := 0; i+8 <= len(v); i++ {
			if strings.Contains(s, v[i:i+8]) {
				return fmt.Sprintf("%s (%q)", name, v[i:i+8])
			}
		}
	}
	return ""
}

const canaryManifest = `project: canary
vars:
  token: ${env.C_LONG}
environments:
  staging: {endpoint: local, accountId: "111111", region: local}
  prod:    {endpoint: local, accountId: "222222", region: local}
services:
  svc:
    functions:
      fn:
        runtime: python3
        handler: index.handler
        code: ./src
        environmentVariables:
          VIA_VARS: ${vars.token}
          QUOTED: ${env.C_QUOTED}
          BACKSLASH: ${env.C_BACKSLASH}
          MULTILINE: ${env.C_MULTILINE}
          UNICODE: ${env.C_UNICODE}
          META: ${env.C_META}
          MIXED: prefix-${env.C_LONG}-suffix
`

// TestNoVerbShowsAnyPartOfASecretInAnyFormat runs every verb in every
// format with canary secrets in every field that takes ${env.X}, valid
// (environment variables) and invalid (each checked field), and looks for
// any 8-byte run of any canary in all output and every file the CLI
// wrote (plan files, caches). Only the local Function Compute's own store
// holds them: it is the API the values are for.
func TestNoVerbShowsAnyPartOfASecretInAnyFormat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and runs every verb: not in -short")
	}
	bin := buildCLI(t)
	dir := t.TempDir()
	proj := filepath.Join(dir, "proj")
	require.NoError(t, os.MkdirAll(filepath.Join(proj, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(proj, "src", "index.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(proj, "fcdeploy.yaml"), []byte(canaryManifest), 0o644))
	home := t.TempDir()

	all := map[string]string{}
	var transcript strings.Builder
	run := func(secrets map[string]string, wantOK bool, args ...string) {
		t.Helper()
		for k, v := range secrets {
			all[k+"/"+v[:4]] = v
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "FCDEPLOY_HOME="+home, "NO_COLOR=1")
		for k, v := range secrets {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		out, err := cmd.CombinedOutput()
		fmt.Fprintf(&transcript, "$ fcdeploy %s\n%s\n", strings.Join(args, " "), out)
		if wantOK {
			require.NoError(t, err, "fcdeploy %s:\n%s", strings.Join(args, " "), out)
		} else {
			require.Error(t, err, "fcdeploy %s should fail:\n%s", strings.Join(args, " "), out)
		}
		if l := leak(string(out), all); l != "" {
			t.Errorf("fcdeploy %s shows part of secret %s:\n%s", strings.Join(args, " "), l, out)
		}
	}
	one, two := canarySecrets("1"), canarySecrets("2")

	run(one, true, "validate", "proj")
	run(one, true, "validate", "proj", "--format", "json")
	for _, format := range []string{"text", "json", "markdown"} {
		run(one, true, "plan", "proj", "--env", "staging", "--format", format)
	}
	run(one, true, "plan", "proj", "--env", "staging", "--out", "plan1.json")
	for _, format := range []string{"text", "json", "markdown"} {
		run(one, true, "show", "plan1.json", "--format", format)
	}
	run(one, true, "apply", "plan1.json")
	// Rotated secrets: updates show before and after, in every format.
	for _, format := range []string{"text", "json", "markdown"} {
		run(two, true, "plan", "proj", "--env", "staging", "--format", format)
	}
	run(two, true, "plan", "proj", "--env", "staging", "--out", "plan2.json")
	// A secret changed since the plan: refused, naming it, not showing it.
	run(one, false, "apply", "plan2.json")
	run(two, true, "apply", "proj", "--env", "staging", "--yes", "--format", "json")
	run(one, true, "apply", "proj", "--env", "staging", "--yes")
	run(one, true, "promote", "proj", "--from", "staging", "--to", "prod", "--yes")
	run(two, true, "promote", "proj", "--from", "staging", "--to", "prod", "--yes", "--format", "json")
	run(one, true, "destroy", "proj", "--env", "prod", "--yes", "--format", "json")
	run(one, true, "destroy", "proj", "--env", "staging", "--yes")

	// Every field that checks its value, given a canary: the error names
	// the field and where the value came from, never the value.
	valid := "        runtime: python3\n        handler: index.handler\n        code: ./src\n"
	for _, field := range []string{"memorySize", "timeout", "instanceConcurrency", "runtime", "handler", "code", "initializer", "initializationTimeout", "caPort"} {
		for name := range one {
			body := valid
			if strings.Contains(valid, "        "+field+":") {
				body = strings.Replace(body, "        "+field+": ", "        "+field+": ${env."+name+"}\n        x_was: ", 1)
				body = strings.Replace(body, "        x_was: "+strings.SplitN(strings.SplitN(valid, field+": ", 2)[1], "\n", 2)[0]+"\n", "", 1)
			} else {
				body += "        " + field + ": ${env." + name + "}\n"
			}
			m := "project: canary\nservices:\n  svc:\n    functions:\n      fn:\n" + body
			require.NoError(t, os.WriteFile(filepath.Join(proj, "fcdeploy.yaml"), []byte(m), 0o644))
			run(one, false, "validate", "proj")
			run(one, false, "validate", "proj", "--format", "json")
			run(one, false, "plan", "proj", "--format", "json")
			run(one, false, "apply", "proj", "--yes", "--format", "json")
		}
	}

	// Files the CLI wrote: plan files and the project's cache.
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if l := leak(string(data), all); l != "" {
			t.Errorf("%s holds part of secret %s", path, l)
		}
		for name, v := range all {
			// A bare hash is as good as the value for a weak secret.
			sum := sha256.Sum256([]byte(v))
			if strings.Contains(string(data), hex.EncodeToString(sum[:])) {
				t.Errorf("%s holds the bare sha256 of secret %s", path, name)
			}
		}
		return nil
	})
	require.NoError(t, err)
	if t.Failed() || os.Getenv("CANARY_TRANSCRIPT") != "" {
		t.Logf("transcript:\n%s", transcript.String())
	}
}
