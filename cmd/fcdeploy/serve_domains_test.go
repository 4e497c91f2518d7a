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

	_, err = st.CreateCustomDomain(context.Background(), "1", fc.CustomDomainInput{DomainName: "api.example.com", RouteConfig: &fc.RouteConfig{Routes: []fc.PathConfig{
		{Path: "/v1/*", ServiceName: "shop", Qualifier: "live", FunctionName: "web", Methods: []string{"GET"}},
		{Path: "/", ServiceName: "shop", FunctionName: "home"},
	}}})
	require.NoError(t, err)
	assert.Equal(t, 1, printCustomDomains(context.Background(), streams, st, "http://127.0.0.1:9000"))
	assert.Contains(t, out.String(), "  api.example.com  (curl -H 'Host: api.example.com' http://127.0.0.1:9000/)\n")
	assert.Contains(t, out.String(), "    /v1/* -> shop.live/web (GET)\n", "each route says where it leads")
	assert.Contains(t, out.String(), "    / -> shop/home\n")
}
