package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFiles writes name -> content under a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

const includedService = `services:
  billing:
    functions:
      invoice:
        runtime: python3
        handler: index.handler
        code: ./src
`

func TestServicesMayBeSplitAcrossIncludedFiles(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"fcdeploy.yaml":              minimal + "include: [services/*.yaml]\n",
		"src/index.py":               "def handler(e, c): return e\n",
		"services/billing.yaml":      includedService,
		"services/src/index.py":      "def handler(e, c): return 'billing'\n",
		"services/shipping.yaml":     strings.ReplaceAll(includedService, "billing", "shipping"),
		"services/notes-not-yaml.md": "not included: the pattern asks for .yaml",
	})
	p, err := Load(filepath.Join(dir, "fcdeploy.yaml"), LoadOptions{LookupEnv: noEnv})
	require.NoError(t, err)
	var names []string
	for _, s := range p.Services {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"billing", "shipping", "svc"}, names)
	billing := p.Service("billing")
	require.NotNil(t, billing)
	assert.Equal(t, filepath.Join(dir, "services", "src"), billing.Functions[0].Code.Path,
		"a relative code path starts at the directory of the file that says it")
	assert.Equal(t, filepath.Join(dir, "src"), p.Service("svc").Functions[0].Code.Path)
}

func TestAProblemInAnIncludedFileNamesThatFileAndLine(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"fcdeploy.yaml":   minimal + "include: billing.yaml\n",
		"src/index.py":    "x\n",
		"billing.yaml":    strings.Replace(includedService, "python3", "cobol", 1),
		"other/unused.md": "",
	})
	_, err := Load(filepath.Join(dir, "fcdeploy.yaml"), LoadOptions{LookupEnv: noEnv})
	var merr *Error
	require.ErrorAs(t, err, &merr)
	require.Len(t, merr.Diagnostics, 1)
	d := merr.Diagnostics[0]
	assert.Equal(t, filepath.Join(dir, "billing.yaml"), d.File)
	assert.Equal(t, 5, d.Line, "the line inside billing.yaml")
	assert.Equal(t, 18, d.Col)
}

func TestAServiceDefinedInTwoFilesIsRefusedNamingBoth(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"fcdeploy.yaml": minimal + "include: [a.yaml, b.yaml]\n",
		"src/index.py":  "x\n",
		"a.yaml":        includedService,
		"b.yaml":        "\n" + includedService,
	})
	_, diags := ParseFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.Len(t, diags, 1)
	assert.Equal(t, filepath.Join(dir, "b.yaml"), diags[0].File)
	assert.Equal(t, 3, diags[0].Line)
	assert.Equal(t, `service "billing" is also defined at `+filepath.Join(dir, "a.yaml")+`:2:3; define it in one file`, diags[0].Message)
}

func TestAnIncludedFileHoldsOnlyServices(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"fcdeploy.yaml": minimal + "include: [extra.yaml, missing.yaml]\n",
		"src/index.py":  "x\n",
		"extra.yaml":    "project: other\n" + includedService,
	})
	_, diags := ParseFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.Len(t, diags, 2)
	var msgs []string
	for _, d := range SortDiagnostics(diags) {
		msgs = append(msgs, d.String())
	}
	assert.Contains(t, msgs[0], "extra.yaml:1:1: project: an included file holds only `services:`, not \"project\"")
	assert.Contains(t, msgs[1], "fcdeploy.yaml:10:")
	assert.Contains(t, msgs[1], `"missing.yaml" cannot be read`)
}

func TestIncludesDoNotReplaceAServicesKeyThatIsNotAMapping(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"fcdeploy.yaml":         "project: demo\nservices: [shop]\ninclude: [services/*.yaml]\n",
		"services/billing.yaml": includedService,
		"services/src/index.py": "def handler(e, c): return 'billing'\n",
	})
	doc, diags := ParseProject(filepath.Join(dir, "fcdeploy.yaml"), mustRead(t, filepath.Join(dir, "fcdeploy.yaml")))
	require.Empty(t, diags)
	_, services, ok := doc.Locate([]string{"services"})
	require.True(t, ok)
	assert.Equal(t, "!!seq", services.Tag, "the manifest's own services: is left for the schema to report")
	n := 0
	for i := 0; i < len(doc.Root.Content); i += 2 {
		if doc.Root.Content[i].Value == "services" {
			n++
		}
	}
	assert.Equal(t, 1, n, "no second services: key is added")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
