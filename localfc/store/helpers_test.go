package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

const acct = "123456"

// openTemp opens a BoltStore in a fresh temporary directory, closed when
// the test ends.
func openTemp(t testing.TB) *BoltStore {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "fc.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func ptr[T any](v T) *T { return &v }

func blob(content string) *CodeBlob {
	zip := []byte("PK\x03\x04 " + content)
	return &CodeBlob{Zip: zip, Checksum: fc.CodeChecksum(zip)}
}

func requireCode(t testing.TB, err error, code string) {
	t.Helper()
	require.Error(t, err)
	apiErr := fc.AsAPIError(err)
	require.NotNil(t, apiErr, "want an *fc.APIError with code %s, got %v", code, err)
	require.Equal(t, code, apiErr.Code, "error: %v", err)
	require.Equal(t, fc.StatusForCode(code), apiErr.HTTPStatus)
}

func mustService(t testing.TB, s *BoltStore, name string) fc.Service {
	t.Helper()
	svc, err := s.CreateService(context.Background(), acct, fc.ServiceInput{ServiceName: name, Description: ptr("d")})
	require.NoError(t, err)
	return svc
}

func mustFunction(t testing.TB, s *BoltStore, service, name, code string) fc.Function {
	t.Helper()
	f, err := s.CreateFunction(context.Background(), acct, service, fc.FunctionInput{
		FunctionName: name, Runtime: ptr("python3"), Handler: ptr("index.handler"),
	}, blob(code))
	require.NoError(t, err)
	return f
}

func mustTrigger(t testing.TB, s *BoltStore, service, function, name string) fc.Trigger {
	t.Helper()
	tr, err := s.CreateTrigger(context.Background(), acct, service, function, fc.TriggerInput{
		TriggerName: name, TriggerType: "timer",
		TriggerConfig: []byte(`{"cronExpression":"@every 5m","enable":true}`),
	})
	require.NoError(t, err)
	return tr
}

func mustPublish(t testing.TB, s *BoltStore, service string) fc.Version {
	t.Helper()
	v, err := s.PublishVersion(context.Background(), acct, service, "", "")
	require.NoError(t, err)
	return v
}

func mustAlias(t testing.TB, s *BoltStore, service, name, version string) fc.Alias {
	t.Helper()
	al, err := s.CreateAlias(context.Background(), acct, service, fc.AliasInput{AliasName: name, VersionID: ptr(version)})
	require.NoError(t, err)
	return al
}
