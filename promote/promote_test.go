package promote_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/promote"
)

func zipOf(t *testing.T, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("index.py")
	require.NoError(t, err)
	_, err = f.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// staging is a local Function Compute running shop/api with code.
func staging(t *testing.T, code []byte) *fc.Client {
	t.Helper()
	inst := localfctest.Start(t)
	c, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.CreateService(ctx, fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)
	rt, h := "python3", "index.handler"
	_, err = c.CreateFunction(ctx, "shop", fc.FunctionInput{FunctionName: "api", Runtime: &rt, Handler: &h,
		Code: &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(code)}})
	require.NoError(t, err)
	return c
}

func shopProject(functions ...string) *manifest.Project {
	s := manifest.Service{Name: "shop"}
	for _, f := range functions {
		s.Functions = append(s.Functions, manifest.Function{Name: f, Service: "shop"})
	}
	return &manifest.Project{Name: "shop", Services: []manifest.Service{s}}
}

func TestTheSourcesLiveCodeIsWhatIsPromoted(t *testing.T) {
	code := zipOf(t, "def handler(e, c): return 'v1'")
	c := staging(t, code)
	ctx := context.Background()

	src, err := promote.ReadSource(ctx, c, "staging", shopProject("api"), "")
	require.NoError(t, err)

	want := fc.CodeChecksum(code)
	fns := src.Functions()
	require.Len(t, fns, 1)
	assert.Equal(t, "shop/api", fns[0].Address())
	assert.Equal(t, want, fns[0].Checksum)

	dc, err := src.CodeFor(ctx, "shop", &manifest.Function{Name: "api"})
	require.NoError(t, err)
	assert.Equal(t, want, dc.Checksum)
	assert.Equal(t, "staging", dc.Source)

	got, err := src.Code(ctx, "shop", "api", want)
	require.NoError(t, err)
	assert.Equal(t, code, got, "the bytes downloaded from the source")
}

func TestCodeRedeployedInTheSourceSinceThePlanIsRefusedNamingTheFunction(t *testing.T) {
	c := staging(t, zipOf(t, "v1"))
	ctx := context.Background()
	src, err := promote.ReadSource(ctx, c, "staging", shopProject("api"), "")
	require.NoError(t, err)
	planned := src.Functions()[0].Checksum

	// staging is redeployed between the plan and the upload.
	_, err = c.UpdateFunction(ctx, "shop", "api", fc.FunctionInput{Code: &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(zipOf(t, "v2"))}}, "")
	require.NoError(t, err)

	_, err = src.Code(ctx, "shop", "api", planned)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "function shop/api: staging now runs code with checksum")
	assert.Contains(t, err.Error(), "fcdeploy promote again")
}

func TestAFunctionMissingInTheSourceIsNamedWithEveryOtherProblem(t *testing.T) {
	c := staging(t, zipOf(t, "v1"))
	_, err := promote.ReadSource(context.Background(), c, "staging", shopProject("api", "extra", "more"), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "function shop/extra is not deployed in staging")
	assert.Contains(t, err.Error(), "function shop/more is not deployed in staging")
}

func TestArtifactsMustBeWhatTheSourceRuns(t *testing.T) {
	code := zipOf(t, "v1")
	c := staging(t, code)
	dir := t.TempDir()
	path := filepath.Join(dir, packager.ArtifactsFile)
	ctx := context.Background()

	// A record of other bytes than staging runs is refused.
	other := zipOf(t, "v2, never tested")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.zip"), other, 0o644))
	require.NoError(t, packager.WriteArtifacts(path, packager.Artifacts{Project: "shop", Artifacts: []packager.ArtifactRecord{
		{Service: "shop", Function: "api", File: "api.zip", Checksum: fc.CodeChecksum(other), Size: int64(len(other))},
	}}))
	_, err := promote.ReadSource(ctx, c, "staging", shopProject("api"), path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refusing to promote code that was not tested there")

	// The record of the bytes staging runs is used as the upload.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.zip"), code, 0o644))
	require.NoError(t, packager.WriteArtifacts(path, packager.Artifacts{Project: "shop", Artifacts: []packager.ArtifactRecord{
		{Service: "shop", Function: "api", File: "api.zip", Checksum: fc.CodeChecksum(code), Size: int64(len(code))},
	}}))
	src, err := promote.ReadSource(ctx, c, "staging", shopProject("api"), path)
	require.NoError(t, err)
	got, err := src.Code(ctx, "shop", "api", fc.CodeChecksum(code))
	require.NoError(t, err)
	assert.Equal(t, code, got)
}

func upload(service, function, after string) planner.Change {
	return planner.Change{Kind: planner.KindFunction, Action: planner.ActionUpdate, Service: service, Function: function,
		Address: "function." + service + "/" + function, Code: &planner.CodeChange{Upload: true, After: after}}
}

func TestAStalePromotionPlanNamesTheFunctionsWhoseSourceCodeMoved(t *testing.T) {
	saved := &planner.Plan{Changes: []planner.Change{upload("shop", "api", "111"), upload("shop", "cart", "222")}}
	fresh := &planner.Plan{Changes: []planner.Change{upload("shop", "api", "999"), upload("shop", "cart", "222"), upload("shop", "new", "333")}}

	stale := promote.StaleCode(saved, fresh)

	assert.Equal(t, []promote.StaleFunction{
		{Service: "shop", Function: "api", Planned: "111", Now: "999"},
		{Service: "shop", Function: "new", Planned: "", Now: "333"},
	}, stale)
	assert.Empty(t, promote.StaleCode(saved, saved), "a plan is not stale against itself")
}

func TestConfigDifferencesShowTheDestinationsOwnConfigurationButNeverASecret(t *testing.T) {
	code := zipOf(t, "v1")
	c := staging(t, code)
	ctx := context.Background()
	var mem int32 = 128
	_, err := c.UpdateFunction(ctx, "shop", "api", fc.FunctionInput{MemorySize: &mem, EnvironmentVariables: map[string]string{"DB_PASSWORD": "staging-secret"}}, "")
	require.NoError(t, err)
	live, err := planner.ReadLive(ctx, c, []string{"shop"}, planner.ReadOptions{})
	require.NoError(t, err)

	prodMem, rt, h := int32(512), "python3", "index.handler"
	desired := &planner.Desired{Project: "shop", Services: []planner.DesiredService{{
		Name: "shop",
		Functions: []planner.DesiredFunction{{
			Name:      "api",
			Config:    fc.FunctionInput{FunctionName: "api", Runtime: &rt, Handler: &h, MemorySize: &prodMem, EnvironmentVariables: map[string]string{"DB_PASSWORD": "prod-secret"}},
			Code:      planner.DesiredCode{Checksum: fc.CodeChecksum(code)},
			Sensitive: map[string]bool{"DB_PASSWORD": true},
		}},
	}}}

	diffs, err := promote.ConfigDifferences(desired, live)
	require.NoError(t, err)
	byPath := map[string]promote.ConfigDifference{}
	for _, d := range diffs {
		assert.Equal(t, "function.shop/api", d.Address)
		byPath[d.Path] = d
	}
	require.Contains(t, byPath, "memorySize")
	assert.Equal(t, "128", byPath["memorySize"].Source)
	assert.Equal(t, "512", byPath["memorySize"].Dest)
	require.Contains(t, byPath, "environmentVariables.DB_PASSWORD", "the secret differs, and says so")
	assert.Equal(t, "(sensitive)", byPath["environmentVariables.DB_PASSWORD"].Dest)
	for _, d := range diffs {
		assert.NotContains(t, d.Source+d.Dest, "secret", "%s", d.Path)
	}
}
