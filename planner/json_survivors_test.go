package planner

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip writes p as a plan file and reads it back.
func roundTrip(t *testing.T, p *Plan) *Plan {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	got, err := ReadPlan(&buf)
	require.NoError(t, err)
	return got
}

func TestAPlanFileListsNothingNotManagedAsAnEmptyListAndTheRestByAddress(t *testing.T) {
	_, p := secretPlan(t)
	p.NotManaged = nil // a Plan built by hand, or read from a file without the list
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	assert.Contains(t, buf.String(), `"not_managed": []`)

	p.NotManaged = []string{"function.shop/legacy"}
	buf.Reset()
	require.NoError(t, WritePlan(&buf, p))
	assert.Contains(t, buf.String(), `"function.shop/legacy"`)
	assert.Equal(t, []string{"function.shop/legacy"}, roundTrip(t, p).NotManaged)
}

func TestAPlanFileChangingOnlyTheMemoryOfAFunctionStillRestoresItsSecrets(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Config.MemorySize = ptr(int32(512))
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	c := p.Change("function.shop/checkout")
	require.NotNil(t, c)
	for _, f := range c.FieldChanges {
		require.False(t, f.Sensitive, "no secret changes: %s", f.Path)
	}

	got := roundTrip(t, p)
	assert.Equal(t, []string{"function shop/checkout: DB_PASSWORD"}, got.PendingSecrets())
	require.NoError(t, got.FillSecrets(d))
	assert.Equal(t, "hunter2", got.Change("function.shop/checkout").FunctionInput.EnvironmentVariables["DB_PASSWORD"])
}

func TestFillingSecretsShowsTheNewSecretInItsFieldChangeAndNowhereElse(t *testing.T) {
	d, p := secretPlan(t)
	// A secret named like another field of the function.
	fn := &d.Services[0].Functions[0]
	fn.Config.EnvironmentVariables["memorySize"] = "s3cret"
	fn.Sensitive["memorySize"] = true
	fn.Config.MemorySize = ptr(int32(512))
	p, err := Diff(d, convergedLive(shopDesired()), diffOptions())
	require.NoError(t, err)

	got := roundTrip(t, p)
	require.NoError(t, got.FillSecrets(d))
	byPath := map[string]any{}
	for _, f := range got.Change("function.shop/checkout").FieldChanges {
		byPath[f.Path] = f.After
	}
	assert.Equal(t, "correct horse", byPath["environmentVariables.DB_PASSWORD"])
	assert.Equal(t, "s3cret", byPath["environmentVariables.memorySize"])
	assert.EqualValues(t, 512, byPath["memorySize"])
}

func TestAPlanFileWhoseFunctionDeclaresNoSecretsNeedsNothingFromTheDesiredState(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	// No secret: nothing waits to be filled.
	d.Services[0].Functions[1].Config.EnvironmentVariables = map[string]string{"MODE": "t1"}
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	c := p.Change("function.shop/api")
	require.NotNil(t, c)
	require.Empty(t, c.Sensitive)

	got := roundTrip(t, p)
	require.NoError(t, got.FillSecrets(&Desired{}))
}

func TestAPlanFileNamingSecretsOfAChangeWithoutFunctionInputStillShows(t *testing.T) {
	_, p := secretPlan(t)
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	// A hand-edited file: the alias change claims a secret.
	edited := strings.Replace(buf.String(), `"address": "alias.shop/live",`, `"address": "alias.shop/live", "sensitive": ["X"],`, 1)
	require.NotEqual(t, buf.String(), edited)
	got, err := ReadPlan(strings.NewReader(edited))
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, WritePublicPlan(&buf, got))
	assert.Contains(t, buf.String(), `"alias.shop/live"`)
}
