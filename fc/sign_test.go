package fc

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The vector of wire-protocol.md, "Signing".
const (
	vectorSecret = "S9MWOBG0AOWHSO9HPASP216QOPHT5YR4NLH3A"
	vectorString = "GET\nef5b43a0fe1d5b401b62c3ba33a7a3d6\ntext/json\n1583221068\nx-fc-trace-id:trace-id\n/2016-08-15/proxy/service.LATEST/func/abc 123\na=123 45\nx-fc-access-key-id=akID\nx-fc-expires=1583221068\nx-fc-security-token=stsToken\nx=456\nx=xyz"
	vectorSig    = "QFdNhz0Dl+onUM/MvpX940WFH3H8OHayZHbby1c01aI="
)

func TestSignatureOfTheSpecVector(t *testing.T) {
	assert.Equal(t, vectorSig, Signature(vectorSecret, vectorString))
}

func TestStringToSignOfAProxyRequestSignsTheSortedQueryAndUsesExpiresForDate(t *testing.T) {
	h := http.Header{}
	h.Set("Content-MD5", "ef5b43a0fe1d5b401b62c3ba33a7a3d6")
	h.Set("Content-Type", "text/json")
	h.Set("Date", "ignored because x-fc-expires is in the query")
	h.Set("X-Fc-Trace-Id", "trace-id")
	q := url.Values{
		"x":                   {"xyz", "456"},
		"a":                   {"123 45"},
		"x-fc-access-key-id":  {"akID"},
		"x-fc-expires":        {"1583221068"},
		"x-fc-security-token": {"stsToken"},
	}
	got := StringToSign("GET", "/2016-08-15/proxy/service.LATEST/func/abc 123", h, q)
	require.Equal(t, vectorString, got)
	assert.Equal(t, vectorSig, Signature(vectorSecret, got))
}

func TestStringToSignOfAnAPIRequestIgnoresTheQuery(t *testing.T) {
	h := http.Header{}
	h.Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT")
	h.Set("X-Fc-Account-Id", "")
	got := StringToSign("GET", "/2016-08-15/services", h, url.Values{"limit": {"5"}})
	assert.Equal(t, "GET\n\n\nMon, 02 Jan 2006 15:04:05 GMT\nx-fc-account-id:\n/2016-08-15/services", got)
}

func TestSignRequestAddsDateTokenAndAuthorizationThatVerify(t *testing.T) {
	req := httptest.NewRequest("PUT", "http://1.cn-hangzhou.fc.aliyuncs.com/2016-08-15/services/s", nil)
	req.Header.Set("Content-Type", "application/json")
	creds := Credentials{AccessKeyID: "ak", AccessKeySecret: "sk", SecurityToken: "tok"}
	SignRequest(req, creds, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))

	assert.Equal(t, "Fri, 02 Jan 2026 03:04:05 GMT", req.Header.Get("Date"))
	assert.Equal(t, "tok", req.Header.Get(HeaderSecurityToken))
	id, sig, ok := ParseAuthorization(req.Header.Get("Authorization"))
	require.True(t, ok)
	assert.Equal(t, "ak", id)
	assert.Equal(t, Signature("sk", StringToSign("PUT", req.URL.Path, req.Header, req.URL.Query())), sig)
}

func TestCredentialsNeverPrintTheirSecret(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "very-secret"}
	for _, s := range []string{c.String(), c.GoString()} {
		assert.NotContains(t, s, "very-secret")
	}
}
