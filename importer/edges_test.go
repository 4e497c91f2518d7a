package importer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTheOwnerIsTheOneProjectEveryTaggedServiceNames(t *testing.T) {
	tagged := func(p string) map[string]string { return map[string]string{ProjectTag: p, "team": "x"} }
	cases := []struct {
		name string
		tags map[string]map[string]string
		want string
	}{
		{"none tagged", map[string]map[string]string{"a": {}, "b": {"team": "x"}}, ""},
		{"one tagged among untagged", map[string]map[string]string{"a": {}, "b": tagged("shop")}, "shop"},
		{"all of one project", map[string]map[string]string{"a": tagged("shop"), "b": tagged("shop")}, "shop"},
		{"two projects", map[string]map[string]string{"a": tagged("shop"), "b": tagged("billing")}, ""},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, ownerOf(tc.tags), tc.name)
	}
}

func TestRawJSONBecomesYAMLOfTheSameValue(t *testing.T) {
	assert.Equal(t, "0.25", jsonNode(0.25).Value, "every digit of a fraction")
	assert.Equal(t, "!!float", jsonNode(0.25).Tag)
	assert.Equal(t, "3", jsonNode(float64(3)).Value)
	assert.True(t, isZero([]any{}))
	assert.False(t, isZero([]any{"x"}))
}

// versionConfigs has async configs on LATEST and on version 1, whose name
// sorts before "LATEST".
type versionConfigs struct {
	fakeAccount
	qualifiers []string
}

func (v *versionConfigs) ListAllFunctionAsyncInvokeConfigs(context.Context, string, string) ([]fc.AsyncConfig, error) {
	var out []fc.AsyncConfig
	for i, q := range v.qualifiers {
		n := int64(i)
		out = append(out, fc.AsyncConfig{Service: "shop", Function: "api", Qualifier: q, MaxAsyncRetryAttempts: &n})
	}
	return out, nil
}

func TestTheLatestAsyncConfigIsImportedElseTheFirstByQualifier(t *testing.T) {
	zip := zipOf(t, entry{"index.py", "x", 0o644})
	api := &versionConfigs{fakeAccount: fakeAccount{zip: zip}, qualifiers: []string{"1", ""}}
	res, err := Import(context.Background(), api, Options{Dir: t.TempDir()})
	require.NoError(t, err)
	assert.Contains(t, res.Notes, "function shop/api has another async invoke config (qualifier 1): not imported, fcdeploy.yaml holds one per function (LATEST's was); it stays as it is live")

	api.qualifiers = []string{"2", "1"}
	dir := t.TempDir()
	res, err = Import(context.Background(), api, Options{Dir: dir})
	require.NoError(t, err)
	assert.Contains(t, res.Notes, "function shop/api has another async invoke config (qualifier 2): not imported, fcdeploy.yaml holds one per function (1's was); it stays as it is live")
	m, err := os.ReadFile(filepath.Join(dir, ManifestName))
	require.NoError(t, err)
	assert.Contains(t, string(m), "qualifier: \"1\"")
}

// taggedAccount has tags: shop untagged (so claimed), or another
// project's, or its tags cannot be read.
type taggedAccount struct {
	fakeAccount
	owner   string
	readErr error
	tagged  []fc.TagResourceInput
}

func (a *taggedAccount) GetResourceTags(_ context.Context, arn string) (*fc.ResourceTags, error) {
	if a.readErr != nil {
		return nil, a.readErr
	}
	tags := map[string]string{}
	if a.owner != "" {
		tags[ProjectTag] = a.owner
	}
	return &fc.ResourceTags{ResourceARN: arn, Tags: tags}, nil
}

func (a *taggedAccount) TagResource(_ context.Context, in fc.TagResourceInput) error {
	a.tagged = append(a.tagged, in)
	return nil
}

func TestImportClaimsUntaggedServicesAndLeavesOtherProjectsServicesAlone(t *testing.T) {
	zip := zipOf(t, entry{"index.py", "x", 0o644})
	untagged := &taggedAccount{fakeAccount: fakeAccount{zip: zip}}
	res, err := Import(context.Background(), untagged, Options{Dir: t.TempDir(), Project: "shop", Services: []string{"shop"}})
	require.NoError(t, err, "a named service is imported")
	assert.Equal(t, []string{"shop"}, res.Claimed)
	assert.Equal(t, []fc.TagResourceInput{{ResourceARN: "services/shop", Tags: map[string]string{ProjectTag: "shop"}}}, untagged.tagged)

	theirs := &taggedAccount{fakeAccount: fakeAccount{zip: zip}, owner: "legacy"}
	res, err = Import(context.Background(), theirs, Options{Dir: t.TempDir(), Project: "shop"})
	require.NoError(t, err)
	assert.Empty(t, theirs.tagged, "another project's service is not retagged")
	assert.Empty(t, res.Claimed)

	unreadable := &taggedAccount{fakeAccount: fakeAccount{zip: zip}, readErr: errors.New("denied")}
	_, err = Import(context.Background(), unreadable, Options{Dir: t.TempDir()})
	assert.ErrorContains(t, err, "service shop: reading its tags: denied")
}

func TestImportWithForceReplacesTheCodeDirectory(t *testing.T) {
	dir := t.TempDir()
	api := &fakeAccount{zip: zipOf(t, entry{"index.py", "new", 0o644})}
	old := filepath.Join(dir, "functions", "shop", "api")
	require.NoError(t, os.MkdirAll(old, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(old, "stale.py"), []byte("old"), 0o644))

	_, err := Import(context.Background(), api, Options{Dir: dir, Force: true})
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(old, "index.py"))
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
	assert.NoFileExists(t, filepath.Join(old, "stale.py"), "the directory is replaced, not merged")
}

func TestADirectoryEntryIsADirectoryByItsModeAlone(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Unzip(zipOf(t, entry{"lib", "", fs.ModeDir | 0o755}, entry{"lib/x.py", "x", 0o644}), dir))
	fi, err := os.Stat(filepath.Join(dir, "lib"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
}

// twoFunctions provisions its two functions differently at alias live.
type twoFunctions struct{ fakeAccount }

func (f *twoFunctions) ListAllFunctions(ctx context.Context, s, q string) ([]fc.Function, error) {
	fns, err := f.fakeAccount.ListAllFunctions(ctx, s, q)
	job := fns[0]
	job.FunctionName, job.EnvironmentVariables = "job", nil
	return append(fns, job), err
}

func (f *twoFunctions) ListAllProvisionConfigs(context.Context, string, string) ([]fc.ProvisionConfig, error) {
	return []fc.ProvisionConfig{{Resource: "1#shop#live#api", Target: 2}, {Resource: "1#shop#live#job", Target: 1}}, nil
}

func TestProvisionedInstancesThatDifferByFunctionAreImportedPerFunction(t *testing.T) {
	dir := t.TempDir()
	api := &twoFunctions{fakeAccount{zip: zipOf(t, entry{"index.py", "x", 0o644})}}
	res, err := Import(context.Background(), api, Options{Dir: dir})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ProvisionConfigs)
	m, err := os.ReadFile(filepath.Join(dir, ManifestName))
	require.NoError(t, err)
	assert.Contains(t, string(m), "provision:\n          api: 2\n          job: 1\n")
}
