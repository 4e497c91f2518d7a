package planner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func secretPlan(t *testing.T) (*Desired, *Plan) {
	t.Helper()
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Config.EnvironmentVariables["DB_PASSWORD"] = "correct horse"
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	p.Fingerprint = "sha256:abc"
	return d, p
}

func TestASensitiveEnvironmentVariableIsOnlyASaltedDigestInThePlanFile(t *testing.T) {
	_, p := secretPlan(t)
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))

	out := buf.String()
	assert.NotContains(t, out, "correct horse")
	assert.NotContains(t, out, "hunter2")
	assert.Regexp(t, `"secret_salt": "[0-9a-f]{32}"`, out)
	assert.Contains(t, out, SecretDigest(p.SecretSalt, "correct horse"))
	assert.Contains(t, out, SecretDigest(p.SecretSalt, "hunter2"))
	bare := sha256.Sum256([]byte("hunter2"))
	assert.NotContains(t, out, hex.EncodeToString(bare[:]), "never a bare hash a dictionary reverses")
	assert.Contains(t, out, `"STAGE": "staging"`, "values that are not secret stay readable")
	assert.Contains(t, out, `"format_version": "1"`)

	// Encoding must not redact the plan in memory: the applier needs it.
	assert.Equal(t, "correct horse", p.Change("function.shop/checkout").FunctionInput.EnvironmentVariables["DB_PASSWORD"])
	assert.Empty(t, p.PendingSecrets())
}

func TestAPlanFileReadsBackWithItsSecretsPending(t *testing.T) {
	d, p := secretPlan(t)
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))

	got, err := ReadPlan(&buf)
	require.NoError(t, err)
	assert.Equal(t, p.Target, got.Target)
	assert.Equal(t, p.Fingerprint, got.Fingerprint)
	assert.Equal(t, p.CreatedAt, got.CreatedAt)
	assert.Equal(t, addresses(p), addresses(got))
	fn := got.Change("function.shop/checkout")
	assert.Equal(t, "etag-function-checkout", fn.ETag)
	assert.Equal(t, []string{"function shop/checkout: DB_PASSWORD"}, got.PendingSecrets())

	require.NoError(t, got.FillSecrets(d))
	assert.Empty(t, got.PendingSecrets())
	fn = got.Change("function.shop/checkout")
	assert.Equal(t, "correct horse", fn.FunctionInput.EnvironmentVariables["DB_PASSWORD"])
	assert.Equal(t, "staging", fn.FunctionInput.EnvironmentVariables["STAGE"])

	// Written again, the secret is hashed again.
	buf.Reset()
	require.NoError(t, WritePlan(&buf, got))
	assert.NotContains(t, buf.String(), "correct horse")
}

func TestFillSecretsRefusesASecretThatChangedSinceThePlan(t *testing.T) {
	d, p := secretPlan(t)
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	got, err := ReadPlan(&buf)
	require.NoError(t, err)

	d.Services[0].Functions[0].Config.EnvironmentVariables["DB_PASSWORD"] = "rotated"
	err = got.FillSecrets(d)
	var changed *SecretChangedError
	require.ErrorAs(t, err, &changed)
	assert.Equal(t, "function shop/checkout", changed.Subject)
	assert.Equal(t, "DB_PASSWORD", changed.Key)
	assert.NotContains(t, err.Error(), "rotated")
	assert.NotEmpty(t, got.PendingSecrets(), "nothing was filled")
}

func TestReadPlanChecksTheFormatVersion(t *testing.T) {
	cases := []struct {
		name, file string
		wantErr    string
	}{
		{"a minor version of the same major is read", `{"format_version":"1.3","changes":[]}`, ""},
		{"an unknown major version is refused", `{"format_version":"2","changes":[]}`, `format_version "2" is not supported (this fcdeploy reads 1.x)`},
		{"a file without a version is refused", `{"changes":[]}`, "not an fcdeploy plan file"},
		{"a file that is not JSON is refused", `plan: yes`, "not valid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ReadPlan(strings.NewReader(tc.file))
			if tc.wantErr == "" {
				require.NoError(t, err)
				assert.NotNil(t, p)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
	_, err := ReadPlan(strings.NewReader(`{"format_version":"9"}`))
	var fe *FormatError
	assert.True(t, errors.As(err, &fe))
}

func TestThePlanJSONUsesStableFieldNames(t *testing.T) {
	d := shopDesired()
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"format_version", "project", "target", "changes", "no_ops", "not_managed", "fingerprint", "created_at"} {
		assert.Contains(t, m, k)
	}
	first := m["changes"].([]any)[0].(map[string]any)
	assert.Equal(t, "service.shop", first["address"])
	assert.Equal(t, "create", first["action"])
	assert.Equal(t, "service", first["kind"])
}

func TestThePlanIsDeterministic(t *testing.T) {
	encode := func() string {
		d := manyFunctions(20)
		live := convergedLive(d)
		for name, f := range live.Services["shop"].Functions {
			if name != "checkout" {
				f.EnvironmentVariables = map[string]string{"A": "1", "B": "2", "C": "3"}
			}
		}
		live.Services["shop"].Aliases["old"] = &fc.Alias{AliasName: "old", VersionID: "1"}
		opt := diffOptions()
		opt.Prune = true
		p, err := Diff(d, live, opt)
		require.NoError(t, err)
		p.SecretSalt = "fixed" // random by design: the one part that differs
		var buf bytes.Buffer
		require.NoError(t, WritePlan(&buf, p))
		return buf.String()
	}
	first := encode()
	for range 10 {
		require.Equal(t, first, encode())
	}
}

func TestAPlanFileCarriesItsTargetWithCredentialNamesOnly(t *testing.T) {
	_, p := secretPlan(t)
	p.Target = Target{Endpoint: "https://222222.cn-shanghai.fc.aliyuncs.com", AccountID: "222222", Region: "cn-shanghai", Env: "prod",
		Credentials: &CredentialNames{AccessKeyIDEnv: "PROD_AK_ID", AccessKeySecretEnv: "PROD_AK_SECRET"}}
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	assert.Contains(t, buf.String(), `"access_key_secret_env": "PROD_AK_SECRET"`)

	got, err := ReadPlan(&buf)
	require.NoError(t, err)
	assert.Equal(t, p.Target, got.Target)
}

func TestAPlanFileFromBeforeTargetsCarriedCredentialsStillReads(t *testing.T) {
	old := `{"format_version": "1", "project": "hello", "target": {"endpoint": "local:/data", "account_id": "1", "region": "r"}, "changes": []}`
	got, err := ReadPlan(strings.NewReader(old))
	require.NoError(t, err)
	assert.Nil(t, got.Target.Credentials)
	assert.Nil(t, got.LiveETags)
	assert.Equal(t, "local:/data", got.Target.Endpoint)
}

func TestTwoPlansOfTheSameSecretShareNoDigest(t *testing.T) {
	_, a := secretPlan(t)
	_, b := secretPlan(t)
	assert.NotEqual(t, a.SecretSalt, b.SecretSalt)
	var fa, fb bytes.Buffer
	require.NoError(t, WritePlan(&fa, a))
	require.NoError(t, WritePlan(&fb, b))
	da := SecretDigest(a.SecretSalt, "correct horse")
	assert.Contains(t, fa.String(), da)
	assert.NotContains(t, fb.String(), da, "a digest computed for one plan says nothing about another")
}

func TestPlanOutputShowsThatAValueIsSensitiveAndNothingOfIt(t *testing.T) {
	_, p := secretPlan(t)
	var out bytes.Buffer
	require.NoError(t, WritePublicPlan(&out, p))
	s := out.String()
	assert.NotContains(t, s, "correct horse")
	assert.NotContains(t, s, SecretDigest(p.SecretSalt, "correct horse"))
	assert.NotContains(t, s, p.SecretSalt, "without the salt the fingerprint gives no handle on a secret")
	assert.Contains(t, s, `"DB_PASSWORD": "(sensitive)"`)
	assert.Contains(t, s, `"sensitive": true`)

	// A plan file shown as plan output loses its digests too.
	var file bytes.Buffer
	require.NoError(t, WritePlan(&file, p))
	back, err := ReadPlan(&file)
	require.NoError(t, err)
	out.Reset()
	require.NoError(t, WritePublicPlan(&out, back))
	assert.NotContains(t, out.String(), SecretDigest(p.SecretSalt, "correct horse"))
}

func TestPlanOutputCannotBeAppliedAsAPlanFile(t *testing.T) {
	d, p := secretPlan(t)
	var out bytes.Buffer
	require.NoError(t, WritePublicPlan(&out, p))
	back, err := ReadPlan(&out)
	require.NoError(t, err)
	err = back.FillSecrets(d)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "plan --out FILE")
}

func TestAPlanEncodedByValueIsRedactedToo(t *testing.T) {
	_, p := secretPlan(t)
	b, err := json.Marshal(*p)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "correct horse")
	assert.Contains(t, string(b), SecretDigest(p.SecretSalt, "correct horse"))
}

func TestASecretLookingVariableIsHiddenEvenWhenDesiredDoesNotMarkIt(t *testing.T) {
	// The manifest marks such names itself; a Desired built by other code
	// may not, and its plan file must not hold the value in clear either.
	unmarked := shopDesired()
	unmarked.Services[0].Functions[0].Sensitive = nil
	unmarked.Services[0].Functions[0].Config.EnvironmentVariables["API_TOKEN"] = "s3cr3t-token"
	p, err := Diff(unmarked, absentLive(unmarked), diffOptions())
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))

	out := buf.String()
	assert.NotContains(t, out, "hunter2")
	assert.NotContains(t, out, "s3cr3t-token")
	assert.Contains(t, out, SecretDigest(p.SecretSalt, "s3cr3t-token"))
	assert.Contains(t, out, `"STAGE": "staging"`)
	assert.Equal(t, []string{"API_TOKEN", "DB_PASSWORD"}, p.Change("function.shop/checkout").Sensitive)

	marked := shopDesired()
	marked.Services[0].Functions[0].Config.EnvironmentVariables["API_TOKEN"] = "s3cr3t-token"
	marked.Services[0].Functions[0].Sensitive["API_TOKEN"] = true
	assert.Equal(t, Fingerprint(marked, "salt"), Fingerprint(unmarked, "salt"),
		"the fingerprint hashes the secret as a digest, marked or not")
}
