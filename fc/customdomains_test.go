package fc_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTheClientManagesCustomDomainsAgainstTheLocalServer(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)

	routes := &fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/api/*", ServiceName: "shop", FunctionName: "web", Methods: []string{"GET"}}}}
	d, err := c.CreateCustomDomain(ctx, fc.CustomDomainInput{DomainName: "shop.example.com", RouteConfig: routes})
	require.NoError(t, err)
	assert.Equal(t, "shop.example.com", d.DomainName)
	assert.Equal(t, fc.ProtocolHTTP, d.Protocol)
	assert.Equal(t, routes.Routes, d.RouteConfig.Routes)

	_, err = c.CreateCustomDomain(ctx, fc.CustomDomainInput{DomainName: "shop.example.com"})
	assert.True(t, fc.IsCode(err, fc.CodeDomainNameAlreadyExists), "got %v", err)
	apiErr := fc.AsAPIError(err)
	require.NotNil(t, apiErr)
	assert.Equal(t, 409, apiErr.HTTPStatus)
	assert.NotEmpty(t, apiErr.RequestID)

	https := fc.ProtocolHTTPHTTPS
	cert, key := selfSigned(t, "shop.example.com")
	updated, err := c.UpdateCustomDomain(ctx, "shop.example.com", fc.CustomDomainInput{
		Protocol: &https, CertConfig: &fc.CertConfig{CertName: "shop", Certificate: cert, PrivateKey: key},
	})
	require.NoError(t, err)
	assert.Equal(t, https, updated.Protocol)
	assert.Equal(t, routes.Routes, updated.RouteConfig.Routes, "routes not sent stay as they are")
	assert.Equal(t, cert, updated.CertConfig.Certificate)

	got, err := c.GetCustomDomain(ctx, "shop.example.com")
	require.NoError(t, err)
	assert.Equal(t, updated, got)

	for i := range 3 {
		_, err := c.CreateCustomDomain(ctx, fc.CustomDomainInput{DomainName: fmt.Sprintf("d%d.example.org", i)})
		require.NoError(t, err)
	}
	page, err := c.ListCustomDomains(ctx, fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, page.CustomDomains, 2)
	assert.NotEmpty(t, page.NextToken)
	all, err := c.ListAllCustomDomains(ctx, "d")
	require.NoError(t, err)
	assert.Len(t, all, 3)

	require.NoError(t, c.DeleteCustomDomain(ctx, "shop.example.com"))
	_, err = c.GetCustomDomain(ctx, "shop.example.com")
	assert.True(t, fc.IsCode(err, fc.CodeDomainNameNotFound), "got %v", err)
	assert.True(t, fc.IsNotFound(err))
}
