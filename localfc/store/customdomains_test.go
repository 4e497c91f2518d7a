package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func routes(paths ...string) *fc.RouteConfig {
	rc := &fc.RouteConfig{}
	for _, p := range paths {
		rc.Routes = append(rc.Routes, fc.PathConfig{Path: p, ServiceName: "shop", FunctionName: "web"})
	}
	return rc
}

func TestACustomDomainIsStoredWithFullBodiesAndItsNameInLowerCase(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()

	d, err := s.CreateCustomDomain(ctx, acct, fc.CustomDomainInput{DomainName: "API.Example.com", RouteConfig: routes("/a")})
	require.NoError(t, err)
	assert.Equal(t, "api.example.com", d.DomainName)
	assert.Equal(t, acct, d.AccountID)
	assert.Equal(t, fc.ProtocolHTTP, d.Protocol, "HTTP when no protocol is given")
	assert.Equal(t, fc.APIVersion, d.APIVersion)
	assert.NotEmpty(t, d.CreatedTime)
	assert.Equal(t, []string{}, d.RouteConfig.Routes[0].Methods, "lists are [] rather than null")
	assert.Equal(t, []string{}, d.TLSConfig.CipherSuites)

	got, err := s.GetCustomDomain(ctx, acct, "api.EXAMPLE.com")
	require.NoError(t, err)
	assert.Equal(t, d, got)

	_, err = s.CreateCustomDomain(ctx, acct, fc.CustomDomainInput{DomainName: "api.example.com"})
	requireCode(t, err, fc.CodeDomainNameAlreadyExists)
	_, err = s.CreateCustomDomain(ctx, "other", fc.CustomDomainInput{DomainName: "api.example.com"})
	requireCode(t, err, fc.CodeDomainNameAlreadyExists)
	_, err = s.GetCustomDomain(ctx, "other", "api.example.com")
	requireCode(t, err, fc.CodeDomainNameNotFound)
}

func TestUpdateCustomDomainReplacesOnlyTheGivenFieldsAndTheRouteTableWhole(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	before, err := s.CreateCustomDomain(ctx, acct, fc.CustomDomainInput{DomainName: "api.example.com", RouteConfig: routes("/a", "/b/*")})
	require.NoError(t, err)

	https := fc.ProtocolHTTPHTTPS
	_, err = s.UpdateCustomDomain(ctx, acct, "api.example.com", fc.CustomDomainInput{Protocol: &https})
	requireCode(t, err, fc.CodeInvalidArgument)
	unchanged, err := s.GetCustomDomain(ctx, acct, "api.example.com")
	require.NoError(t, err)
	assert.Equal(t, before, unchanged, "a refused update changes nothing")

	after, err := s.UpdateCustomDomain(ctx, acct, "api.example.com", fc.CustomDomainInput{
		Protocol:   &https,
		CertConfig: &fc.CertConfig{CertName: "c", Certificate: "CERT", PrivateKey: "SECRET KEY"},
	})
	require.NoError(t, err)
	assert.Equal(t, https, after.Protocol)
	assert.Equal(t, before.RouteConfig, after.RouteConfig, "routes not given stay")
	assert.Equal(t, before.CreatedTime, after.CreatedTime)
	assert.Equal(t, "CERT", after.CertConfig.Certificate)
	assert.Empty(t, after.CertConfig.PrivateKey, "the private key is never answered")

	after, err = s.UpdateCustomDomain(ctx, acct, "api.example.com", fc.CustomDomainInput{RouteConfig: routes("/c")})
	require.NoError(t, err)
	require.Len(t, after.RouteConfig.Routes, 1)
	assert.Equal(t, "/c", after.RouteConfig.Routes[0].Path)
	assert.Equal(t, https, after.Protocol)

	_, err = s.UpdateCustomDomain(ctx, acct, "missing.example.com", fc.CustomDomainInput{})
	requireCode(t, err, fc.CodeDomainNameNotFound)
}

func TestDeletingACustomDomainFreesItsNameForAnyAccount(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	_, err := s.CreateCustomDomain(ctx, acct, fc.CustomDomainInput{DomainName: "api.example.com"})
	require.NoError(t, err)

	requireCode(t, s.DeleteCustomDomain(ctx, "other", "api.example.com"), fc.CodeDomainNameNotFound)
	require.NoError(t, s.DeleteCustomDomain(ctx, acct, "api.example.com"))
	requireCode(t, s.DeleteCustomDomain(ctx, acct, "api.example.com"), fc.CodeDomainNameNotFound)
	_, found, err := s.LookupCustomDomain(ctx, "api.example.com")
	require.NoError(t, err)
	assert.False(t, found)

	d, err := s.CreateCustomDomain(ctx, "other", fc.CustomDomainInput{DomainName: "api.example.com"})
	require.NoError(t, err)
	assert.Equal(t, "other", d.AccountID)
}

func TestCustomDomainsAreFoundByNameWhateverTheAccountAndListedInPages(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	for _, name := range []string{"c.example.com", "a.example.com", "b.example.com", "a.example.org"} {
		_, err := s.CreateCustomDomain(ctx, acct, fc.CustomDomainInput{DomainName: name})
		require.NoError(t, err)
	}
	_, err := s.CreateCustomDomain(ctx, "other", fc.CustomDomainInput{DomainName: "z.example.net"})
	require.NoError(t, err)

	d, found, err := s.LookupCustomDomain(ctx, "Z.example.net")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, "other", d.AccountID)

	page, err := s.ListCustomDomains(ctx, acct, fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"a.example.com", "a.example.org"}, domainNames(page.CustomDomains))
	page, err = s.ListCustomDomains(ctx, acct, fc.ListOptions{Limit: 2, NextToken: page.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"b.example.com", "c.example.com"}, domainNames(page.CustomDomains))
	assert.Empty(t, page.NextToken)
	page, err = s.ListCustomDomains(ctx, acct, fc.ListOptions{Prefix: "a."})
	require.NoError(t, err)
	assert.Equal(t, []string{"a.example.com", "a.example.org"}, domainNames(page.CustomDomains))
	page, err = s.ListCustomDomains(ctx, "nobody", fc.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, []fc.CustomDomain{}, page.CustomDomains)

	all, err := s.AllCustomDomains(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.example.com", "a.example.org", "b.example.com", "c.example.com", "z.example.net"}, domainNames(all))
}

func TestCustomDomainsSurviveAReopen(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	d, err := s.CreateCustomDomain(ctx, acct, fc.CustomDomainInput{DomainName: "api.example.com", RouteConfig: routes("/*")})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s2, err := Open(s.Path())
	require.NoError(t, err)
	defer s2.Close()
	got, found, err := s2.LookupCustomDomain(ctx, "api.example.com")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, d, got)
}

func domainNames(ds []fc.CustomDomain) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.DomainName)
	}
	return out
}

func TestADomainTakenAgainSaysWhetherThisAccountOrAnotherHoldsIt(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	in := fc.CustomDomainInput{DomainName: "api.example.com", Protocol: ptr("HTTP")}
	_, err := s.CreateCustomDomain(ctx, acct, in)
	require.NoError(t, err)
	_, err = s.CreateCustomDomain(ctx, acct, in)
	requireCode(t, err, fc.CodeDomainNameAlreadyExists)
	assert.ErrorContains(t, err, "custom domain api.example.com already exists")
	_, err = s.CreateCustomDomain(ctx, "999999", in)
	requireCode(t, err, fc.CodeDomainNameAlreadyExists)
	assert.ErrorContains(t, err, "is already bound by another account")
}
