package fc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// selfSigned makes a PEM certificate and key for name.
func selfSigned(t *testing.T, name string) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(4102444800, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
}

func TestDomainNamesMustBeFullyQualifiedDNSNames(t *testing.T) {
	for name, wantOK := range map[string]bool{
		"api.example.com":    true,
		"API.Example.COM":    true,
		"a-b.c9.example.org": true,
		"":                   false,
		"localhost":          false,
		"127.0.0.1":          false,
		"*.example.com":      false,
		"-a.example.com":     false,
		"a_b.example.com":    false,
		"api.example.com.":   false,
		"a..example.com":     false,
		"example.123":        false,
	} {
		err := fc.ValidateDomainName(name)
		if wantOK {
			assert.NoError(t, err, name)
		} else {
			assert.Error(t, err, name)
		}
	}
}

func TestRoutePathsAreExactOrEndInSlashStar(t *testing.T) {
	for path, wantOK := range map[string]bool{
		"/":        true,
		"/a":       true,
		"/a/b/":    true,
		"/*":       true,
		"/login/*": true,
		"":         false,
		"a":        false,
		"/a*":      false,
		"/*/a":     false,
		"/a/*/*":   false,
		"/a?x=1":   false,
	} {
		err := fc.ValidateRoutePath(path)
		if wantOK {
			assert.NoError(t, err, path)
		} else {
			assert.Error(t, err, path)
		}
	}
}

func TestARouteTableIsRefusedWithTheRouteNamed(t *testing.T) {
	ok := fc.PathConfig{Path: "/a", ServiceName: "s", FunctionName: "f"}
	cases := []struct {
		name   string
		routes []fc.PathConfig
		want   string
	}{
		{"a path routed twice", []fc.PathConfig{ok, ok}, `routes[1]: path "/a" is routed twice`},
		{"an unknown method", []fc.PathConfig{{Path: "/a", ServiceName: "s", FunctionName: "f", Methods: []string{"get"}}}, `method "get" is not one of`},
		{"a bad service name", []fc.PathConfig{{Path: "/a", ServiceName: "1s", FunctionName: "f"}}, "serviceName"},
		{"a missing function", []fc.PathConfig{{Path: "/a", ServiceName: "s"}}, "functionName"},
		{"a bad qualifier", []fc.PathConfig{{Path: "/a", ServiceName: "s", FunctionName: "f", Qualifier: "v.1"}}, `qualifier "v.1"`},
		{"a bad regex rule", []fc.PathConfig{{Path: "/a", ServiceName: "s", FunctionName: "f", RewriteConfig: &fc.RewriteConfig{RegexRules: []fc.RewriteRule{{Match: "("}}}}}, "regexRules"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := fc.ValidateRoutes(c.routes)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	assert.NoError(t, fc.ValidateRoutes([]fc.PathConfig{ok, {Path: "/*", ServiceName: "s", FunctionName: "f", Qualifier: "live", Methods: []string{"GET"}}, {Path: "/v", ServiceName: "s", FunctionName: "f", Qualifier: "3"}}))
}

func TestHTTPSNeedsAMatchingCertificateAndErrorsNeverQuoteTheKey(t *testing.T) {
	cert, key := selfSigned(t, "api.example.com")
	_, otherKey := selfSigned(t, "other.example.com")
	https := fc.ProtocolHTTPS

	err := fc.ValidateCustomDomainInput(fc.CustomDomainInput{DomainName: "api.example.com", Protocol: &https}, true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs certConfig")

	err = fc.ValidateCustomDomainInput(fc.CustomDomainInput{DomainName: "api.example.com", Protocol: &https,
		CertConfig: &fc.CertConfig{CertName: "c", Certificate: cert, PrivateKey: otherKey}}, true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a matching PEM pair")
	assert.NotContains(t, err.Error(), "PRIVATE KEY")

	assert.NoError(t, fc.ValidateCustomDomainInput(fc.CustomDomainInput{DomainName: "api.example.com", Protocol: &https,
		CertConfig: &fc.CertConfig{CertName: "c", Certificate: cert, PrivateKey: key}}, true))

	// An update to HTTPS may rely on the certificate already stored: the
	// result is checked as a whole.
	assert.NoError(t, fc.ValidateCustomDomainInput(fc.CustomDomainInput{Protocol: &https}, false))
	stored := fc.CustomDomain{DomainName: "api.example.com", Protocol: fc.ProtocolHTTP, CertConfig: fc.CertConfig{CertName: "c", Certificate: cert}}
	stored.Apply(fc.CustomDomainInput{Protocol: &https})
	assert.NoError(t, stored.CheckCertificate())
	bare := fc.CustomDomain{DomainName: "api.example.com", Protocol: fc.ProtocolHTTP}
	bare.Apply(fc.CustomDomainInput{Protocol: &https})
	assert.ErrorContains(t, bare.CheckCertificate(), "needs certConfig")
	bad := "FTP"
	assert.ErrorContains(t, fc.ValidateCustomDomainInput(fc.CustomDomainInput{Protocol: &bad}, false), `protocol "FTP" is invalid`)
}

func TestDestinationARNsAreParsedByKind(t *testing.T) {
	d, err := fc.ParseDestinationARN("acs:fc:cn-hangzhou:123:services/shop.live/functions/onfail")
	require.NoError(t, err)
	assert.Equal(t, fc.DestinationARN{Kind: "fc", Region: "cn-hangzhou", AccountID: "123", Resource: "services/shop.live/functions/onfail", Service: "shop", Qualifier: "live", Function: "onfail"}, d)

	d, err = fc.ParseDestinationARN("acs:fc:cn-hangzhou:123:services/shop/functions/onfail")
	require.NoError(t, err)
	assert.Equal(t, "", d.Qualifier, "no qualifier means LATEST")

	d, err = fc.ParseDestinationARN("acs:mns:cn-hangzhou:123:/queues/q/messages")
	require.NoError(t, err)
	assert.Equal(t, fc.DestinationMNS, d.Kind)

	for arn, want := range map[string]string{
		"arn:aws:lambda:us-east-1:1:function:f":          "is not an ARN",
		"acs:oss:cn-hangzhou:123:bucket/x":               `kind "oss" cannot receive`,
		"acs:fc:cn-hangzhou:123:services/shop":           "a function destination is",
		"acs:fc:cn-hangzhou:123:services/1s/functions/f": "service name",
	} {
		_, err := fc.ParseDestinationARN(arn)
		assert.ErrorContains(t, err, want, arn)
	}
	assert.Equal(t, "acs:fc:local:123:services/shop.LATEST/functions/f", fc.FunctionARN("local", "123", "shop", "LATEST", "f"))
}

func TestAsyncConfigRangesAreChecked(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	cases := []struct {
		in   fc.AsyncConfigInput
		want string
	}{
		{fc.AsyncConfigInput{MaxAsyncRetryAttempts: n(-1)}, "maxAsyncRetryAttempts -1 is invalid"},
		{fc.AsyncConfigInput{MaxAsyncRetryAttempts: n(9)}, "between 0 and 8"},
		{fc.AsyncConfigInput{MaxAsyncEventAgeInSeconds: n(0)}, "maxAsyncEventAgeInSeconds 0 is invalid"},
		{fc.AsyncConfigInput{MaxAsyncEventAgeInSeconds: n(604801)}, "between 1 and 604800"},
		{fc.AsyncConfigInput{DestinationConfig: &fc.DestinationConfig{OnFailure: &fc.Destination{}}}, "destinationConfig.onFailure.destination is empty"},
		{fc.AsyncConfigInput{DestinationConfig: &fc.DestinationConfig{OnSuccess: &fc.Destination{Destination: "nope"}}}, "destinationConfig.onSuccess"},
	}
	for _, c := range cases {
		assert.ErrorContains(t, fc.ValidateAsyncConfigInput(c.in), c.want)
	}
	assert.NoError(t, fc.ValidateAsyncConfigInput(fc.AsyncConfigInput{MaxAsyncRetryAttempts: n(0), MaxAsyncEventAgeInSeconds: n(604800)}))
	assert.Equal(t, fc.DefaultAsyncRetryAttempts, fc.AsyncConfig{}.RetryAttempts())
	assert.Equal(t, 0, fc.AsyncConfig{MaxAsyncRetryAttempts: n(0)}.RetryAttempts())
}
