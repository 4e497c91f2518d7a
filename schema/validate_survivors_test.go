package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// checked is the schema's own verdict on src (Check, without the loader).
func checked(t *testing.T, src string) []string {
	t.Helper()
	doc, diags := manifest.ParseProject("x/fcdeploy.yaml", []byte(src))
	return verdict(t, doc, diags)
}

func TestTheSchemaReportsEveryMissingFieldOfAMappingNotJustTheFirst(t *testing.T) {
	assert.Equal(t, []string{
		`x/fcdeploy.yaml:4:5: services.s.logConfig: missing required field "logstore"`,
		`x/fcdeploy.yaml:4:5: services.s.logConfig: missing required field "project"`,
	}, checked(t, "project: p\nservices:\n  s:\n    logConfig: {}\n"))
}

func TestTheSchemaReportsEveryUnknownFieldOfAMappingAtItsKey(t *testing.T) {
	const allowed = "; allowed here: customDomains, environments, layers, project, services, vars"
	assert.Equal(t, []string{
		`x/fcdeploy.yaml:3:1: colour: unknown field "colour"` + allowed,
		`x/fcdeploy.yaml:4:1: flavour: unknown field "flavour"` + allowed,
	}, checked(t, "project: p\nservices: {}\ncolour: red\nflavour: mint\n"))
}

func TestAnUnknownFieldWithAQuoteOrBackslashInItsNameIsNamedAsWrittenAtItsKey(t *testing.T) {
	const allowed = "; allowed here: customDomains, environments, layers, project, services, vars"
	assert.Equal(t, []string{
		`x/fcdeploy.yaml:3:1: it's: unknown field "it's"` + allowed,
		`x/fcdeploy.yaml:4:1: a\b: unknown field "a\\b"` + allowed,
		`x/fcdeploy.yaml:5:1: say "hi": unknown field "say \"hi\""` + allowed,
		`x/fcdeploy.yaml:6:1: tab` + "\t" + `: unknown field "tab\t"` + allowed,
	}, checked(t, "project: p\nservices: {}\n\"it's\": 1\n'a\\b': 2\n'say \"hi\"': 3\n\"tab\\t\": 4\n"))

	// Validate says it once: the loader reports the same key in the same place.
	got := Validate("x/fcdeploy.yaml", []byte("project: p\nservices: {}\n\"it's\": 1\n"), manifest.LoadOptions{LookupEnv: noEnv})
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, 3, got[0].Line)
	assert.Contains(t, got[0].Message, `unknown field "it's"`)
}

func TestAManifestOfExactlyTheLargestSizeIsReadToItsLastByte(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tail := "project: shop\nservices: {}\n"
	head := "# " + strings.Repeat("x", manifest.MaxDocumentSize-len(tail)-3) + "\n"
	path := filepath.Join(dir, "fcdeploy.yaml")
	require.NoError(t, os.WriteFile(path, []byte(head+tail), 0o644))
	p, err := Load(path, manifest.LoadOptions{LookupEnv: noEnv})
	require.NoError(t, err)
	assert.Equal(t, "shop", p.Name)

	require.NoError(t, os.WriteFile(path, []byte("#"+head+tail), 0o644))
	_, err = Load(path, manifest.LoadOptions{LookupEnv: noEnv})
	assert.ErrorContains(t, err, fmt.Sprintf("the file is %d bytes; manifests larger than %d bytes (4 MiB) are refused", manifest.MaxDocumentSize+1, manifest.MaxDocumentSize))
}

func TestALocationOutsideTheSchemaFindsNothing(t *testing.T) {
	versions := "#/definitions/alias/properties/version/anyOf"
	require.NotNil(t, lookup(versions+"/3"), "the fourth branch, the ${...} reference")
	assert.Nil(t, lookup(versions+"/4"), "one past the last branch")
	assert.Nil(t, lookup(versions+"/-1"))
	assert.Nil(t, lookup(versions+"/first"))
}
