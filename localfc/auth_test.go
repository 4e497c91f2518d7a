package localfc

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestRequestsThatFailAuthenticationAreRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	signAt := func(at time.Time) func(*http.Request) {
		return func(r *http.Request) { fc.SignRequest(r, e.creds, at) }
	}
	tests := []struct {
		name   string
		mutate func(*http.Request)
		code   string
	}{
		{"a request without Authorization is denied", func(r *http.Request) {
			r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
			unsigned(r)
		}, fc.CodeAccessDenied},
		{"a malformed Authorization is denied", func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, fc.CodeAccessDenied},
		{"an unknown access key id is refused", func(r *http.Request) {
			fc.SignRequest(r, fc.Credentials{AccessKeyID: "someoneElse", AccessKeySecret: "x"}, time.Now())
		}, fc.CodeInvalidAccessKeyID},
		{"a signature made with the wrong secret does not match", func(r *http.Request) {
			fc.SignRequest(r, fc.Credentials{AccessKeyID: e.creds.AccessKeyID, AccessKeySecret: "wrong"}, time.Now())
		}, fc.CodeSignatureNotMatch},
		{"a header changed after signing breaks the signature", func(r *http.Request) {
			fc.SignRequest(r, e.creds, time.Now())
			r.Header.Set(fc.HeaderAccountID, "999")
		}, fc.CodeSignatureNotMatch},
		{"a Date 16 minutes old is too skewed", signAt(time.Now().Add(-16 * time.Minute)), fc.CodeRequestTimeTooSkewed},
		{"a Date 16 minutes ahead is too skewed", signAt(time.Now().Add(16 * time.Minute)), fc.CodeRequestTimeTooSkewed},
		{"a request without a Date is denied", func(r *http.Request) {
			r.Header.Set("Date", "yesterday")
			fc.SignRequest(r, e.creds, time.Now())
		}, fc.CodeAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("GET", api+"/services", nil, tt.mutate)
			assert.Equal(t, 403, r.status, "body: %s", r.body)
			assert.Equal(t, tt.code, r.errorCode(t))
			assert.NotContains(t, string(r.body), e.creds.AccessKeySecret)
		})
	}
}

func TestADateWithinFifteenMinutesIsAccepted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	r := e.do("GET", api+"/services", nil, func(r *http.Request) { fc.SignRequest(r, e.creds, time.Now().Add(-14*time.Minute)) })
	assert.Equal(t, 200, r.status, "body: %s", r.body)
}

func TestTheServerClockDecidesSkew(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.clock.Store(time.Now().Add(time.Hour).UnixNano())
	r := e.do("GET", api+"/services", nil)
	assert.Equal(t, fc.CodeRequestTimeTooSkewed, r.errorCode(t))
}

func TestAnExpiredXFcExpiresIsRefusedEvenWithAGoodSignature(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	exp := strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)
	r := e.do("GET", api+"/services?x-fc-expires="+exp, nil)
	assert.Equal(t, fc.CodeRequestTimeTooSkewed, r.errorCode(t))
	exp = strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	r = e.do("GET", api+"/services?x-fc-expires="+exp, nil)
	assert.Equal(t, 200, r.status, "body: %s", r.body)
}

// TestWhatEachOfficialSDKSendsIsAccepted replays the differences of the
// table in wire-protocol.md: Content-MD5 forms, Content-Type of JSON
// bodies, chunked bodies, Host with and without port, and the account id.
func TestWhatEachOfficialSDKSendsIsAccepted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	md5hex := func(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }
	fnBody := func(name string) []byte {
		b, _ := json.Marshal(functionBody(t, name))
		return b
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   []byte
		mutate func(*http.Request)
		status int
	}{
		{"Go SDK: hex Content-MD5 and Host with port", "POST", "/services/shop/functions", fnBody("go"), func(r *http.Request) {
			b := fnBody("go")
			r.Header.Set("Content-MD5", md5hex(b))
			r.Host = testAccount + ".cn-hangzhou.fc.aliyuncs.com:" + strings.Split(e.host, ":")[1]
		}, 200},
		{"Node SDK: base64-of-hex Content-MD5, octet-stream JSON sent chunked, Host without port", "POST", "/services/shop/functions", nil, func(r *http.Request) {
			b := fnBody("node")
			r.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString([]byte(md5hex(b))))
			r.Header.Set("Content-Type", "application/octet-stream")
			r.Body = io.NopCloser(strings.NewReader(string(b)))
			r.ContentLength = -1 // unknown length: the client sends it chunked
			r.Host = testAccount + ".cn-hangzhou.fc.aliyuncs.com"
		}, 200},
		{"a Content-MD5 that does not match the body is still accepted, as FC does", "PUT", "/services/shop", []byte(`{"description":"x"}`), func(r *http.Request) {
			r.Header.Set("Content-MD5", "00000000000000000000000000000000")
		}, 200},
		{"Python SDK: application/json on a GET and no x-fc-account-id", "GET", "/services/shop", nil, func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json")
			r.Header.Del(fc.HeaderAccountID)
			r.Host = testAccount + ".cn-hangzhou.fc.aliyuncs.com:" + strings.Split(e.host, ":")[1]
		}, 200},
		{"Go SDK: an empty x-fc-account-id falls back to the Host label", "GET", "/services/shop", nil, func(r *http.Request) {
			r.Header.Set(fc.HeaderAccountID, "")
			r.Host = testAccount + ".local"
		}, 200},
		{"STS: a security token header is signed and accepted", "GET", "/services/shop", nil, func(r *http.Request) {
			r.Header.Set(fc.HeaderSecurityToken, "sts-token")
		}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != nil {
				body = tt.body
			}
			r := e.do(tt.method, api+tt.path, body, tt.mutate)
			assert.Equal(t, tt.status, r.status, "body: %s", r.body)
		})
	}
}

func TestTheAccountComesFromTheHostLabelWhenNoHeaderNamesIt(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	r := e.do("POST", api+"/services", map[string]any{"serviceName": "mine"}, func(r *http.Request) {
		r.Header.Del(fc.HeaderAccountID)
		r.Host = "5555.cn-shanghai.fc.aliyuncs.com"
	})
	require.Equal(t, 200, r.status, "body: %s", r.body)
	r = e.do("GET", api+"/services/mine", nil, func(r *http.Request) { r.Header.Set(fc.HeaderAccountID, "5555") })
	assert.Equal(t, 200, r.status, "the header names the same account")
	r = e.do("GET", api+"/services/mine", nil)
	assert.Equal(t, 404, r.status, "another account does not see it")
}

func TestAccountOf(t *testing.T) {
	t.Parallel()
	s := New(Config{DefaultAccount: "4242"})
	tests := []struct{ name, header, host, want, wantErr string }{
		{"the header wins", "111", "222.region.fc.aliyuncs.com", "111", ""},
		{"the host label without a port", "", "222.region.fc.aliyuncs.com", "222", ""},
		{"the host label with a port", "", "222.region.fc.aliyuncs.com:9000", "222", ""},
		{"a bare host with a port", "", "fc-host:9000", "fc-host", ""},
		{"localhost is the default account", "", "localhost:9000", "4242", ""},
		{"an IP address is the default account", "", "127.0.0.1:9000", "4242", ""},
		{"an account id of 70,000 characters is refused", strings.Repeat("9", 70000), "127.0.0.1", "", "must be 1 to 64 characters"},
		{"an account id with a slash is refused", "12/34", "127.0.0.1", "", "only letters, digits"},
		{"a host label with a space is refused", "", "a%20b.fc.aliyuncs.com", "", "only letters, digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "http://x/", nil)
			r.Host = tt.host
			if tt.header != "" {
				r.Header.Set(fc.HeaderAccountID, tt.header)
			}
			got, err := s.accountOf(r)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.LessOrEqual(t, len(err.Error()), 300, "the error does not echo a huge id")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAKeyReachesOnlyTheAccountsItIsBoundTo(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) {
		c.KeyAccounts = map[string][]string{"testKey": {"111", "222"}}
		c.DefaultAccount = "111"
	})
	create := func(account string) reply {
		return e.do("POST", api+"/services", map[string]any{"serviceName": "s" + account}, func(r *http.Request) {
			r.Header.Set(fc.HeaderAccountID, account)
		})
	}
	assert.Equal(t, 200, create("111").status)
	assert.Equal(t, 200, create("222").status)
	r := create("333")
	assert.Equal(t, 403, r.status, "body: %s", r.body)
	assert.Contains(t, string(r.body), "may not use account 333")

	r = e.do("GET", api+"/services/s111", nil, func(r *http.Request) {
		r.Header.Del(fc.HeaderAccountID)
		r.Host = "127.0.0.1"
	})
	assert.Equal(t, 200, r.status, "a bare address reaches the first bound account, the default: %s", r.body)
}

func TestAnUnboundKeyReachesTheDefaultAccountOnly(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.KeyAccounts = nil })
	r := e.do("GET", api+"/services", nil, func(r *http.Request) { r.Header.Set(fc.HeaderAccountID, DefaultAccountID) })
	assert.Equal(t, 200, r.status, "body: %s", r.body)
	r = e.do("GET", api+"/services", nil, func(r *http.Request) { r.Header.Set(fc.HeaderAccountID, "5555") })
	assert.Equal(t, 403, r.status, "body: %s", r.body)
}
