package deploy

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
)

const newFieldsManifest = `project: media
services:
  media:
    logConfig: {project: logs, logstore: media, enableRequestMetrics: true}
    tracingConfig: {type: Jaeger, params: {endpoint: "http://jaeger:14268"}}
    ossMountConfig:
      mountPoints: [{bucketName: assets, endpoint: "http://oss-cn-hangzhou-internal.aliyuncs.com", mountDir: /mnt/assets, readOnly: true}]
    functions:
      thumbnail:
        runtime: custom.debian10
        handler: not-used
        code: ./src
        caPort: 8080
        instanceType: c1
        cpu: 0.35
        diskSize: 512
        layers: ["acs:fc:cn-hangzhou:111111:layers/pillow/versions/1"]
        customDNS: {nameServers: [8.8.8.8], dnsOptions: [{name: ndots, value: "2"}]}
        customRuntimeConfig: {command: [./server], args: [--port, "8080"]}
        customHealthCheckConfig: {httpGetUrl: /ready, periodSeconds: 5}
        instanceLifecycleConfig: {preStop: {handler: stop, timeout: 3}}
        instanceConcurrency: 10
        instanceSoftConcurrency: 5
`

// The fields added since 2018 go through the whole path — manifest, plan,
// apply against the local Function Compute, read back — and a second plan
// finds nothing to do: what is sent is what is read back and compared.
func TestAProjectUsingTheNewFieldsConverges(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "bootstrap"), []byte("#!/bin/sh\n"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, manifest.DefaultFile), []byte(newFieldsManifest), 0o644))
	p, err := manifest.Load(filepath.Join(dir, manifest.DefaultFile), manifest.LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
	require.NoError(t, err)

	code, err := Package(ctx, p, packager.New(packager.Options{}))
	require.NoError(t, err)
	desired, err := Desired(ctx, p, code.FromPackage)
	require.NoError(t, err)

	inst := localfctest.Start(t)
	client, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	plan := func() *planner.Plan {
		live, err := planner.ReadLive(ctx, client, ServiceNames(p), planner.ReadOptions{})
		require.NoError(t, err)
		pl, err := planner.Diff(desired, live, planner.Options{Now: func() time.Time { return time.Unix(0, 0) }})
		require.NoError(t, err)
		return pl
	}

	first := plan()
	require.True(t, first.HasChanges())
	res, err := applier.Apply(ctx, client, first, applier.Options{Code: code})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode())

	second := plan()
	assert.False(t, second.HasChanges(), "a second plan after apply changes nothing: %+v", second.Changes)

	got, err := client.GetFunction(ctx, "media", "", "thumbnail")
	require.NoError(t, err)
	assert.Equal(t, int32(8080), got.CAPort)
	assert.Equal(t, []string{"--port", "8080"}, got.CustomRuntimeConfig.Args)
	assert.Equal(t, 0.35, got.CPU)
}
