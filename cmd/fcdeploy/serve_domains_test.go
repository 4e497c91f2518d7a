package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

func TestServeListsTheCustomDomainsItAnswers(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "fc.db"))
	require.NoError(t, err)
	defer st.Close()
	var out bytes.Buffer
	streams := &IOStreams{Out: &out}

	printCustomDomains(context.Background(), streams, st, "http://127.0.0.1:9000")
	assert.Empty(t, out.String(), "nothing to say without custom domains")

	_, err = st.CreateCustomDomain(context.Background(), "1", fc.CustomDomainInput{DomainName: "api.example.com"})
	require.NoError(t, err)
	printCustomDomains(context.Background(), streams, st, "http://127.0.0.1:9000")
	assert.Contains(t, out.String(), "  api.example.com  (curl -H 'Host: api.example.com' http://127.0.0.1:9000/)")
}
