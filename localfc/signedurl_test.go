package localfc

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// signURL builds a signed URL the way the reference's section 10.2 says the
// Go SDK does, written out here step by step so that the server is checked
// against the recipe rather than against its own signing code.
func signURL(endpoint, method, keyID, secret, resource string, expires time.Time, extra url.Values) string {
	q := url.Values{}
	for k, vs := range extra {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("x-fc-expires", strconv.FormatInt(expires.Unix(), 10))
	q.Set("x-fc-access-key-id", keyID)
	var lines []string
	for k, vs := range q {
		for _, v := range vs {
			lines = append(lines, k+"="+v)
		}
	}
	sort.Strings(lines)
	canonical := resource + "\n" + strings.Join(lines, "\n")
	toSign := method + "\n\n\n" + q.Get("x-fc-expires") + "\n" + canonical
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(toSign))
	q.Set("x-fc-signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u, _ := url.Parse(endpoint)
	u.Path = resource
	u.RawQuery = q.Encode()
	return u.String()
}

func TestASignedURLReachesAFunctionAuthHTTPTrigger(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "web", "index.web", nil)
	e.mustOK("POST", "/2016-08-15/services/s/functions/web/triggers", map[string]any{
		"triggerName": "h", "triggerType": "http",
		"triggerConfig": map[string]any{"authType": "function", "methods": []string{"GET"}},
	})
	resource := "/2016-08-15/proxy/s.LATEST/web/hello there"
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body struct{ ErrorCode string }
		if resp.StatusCode >= 400 {
			require.NoError(t, jsonDecode(resp, &body))
		}
		return resp.StatusCode, body.ErrorCode
	}
	later := time.Now().Add(time.Hour)

	status, code := get(signURL(e.url, "GET", e.creds.AccessKeyID, e.creds.AccessKeySecret, resource, later, url.Values{"x": {"1", "2"}}))
	assert.Equal(t, http.StatusCreated, status, "a signed URL runs the function (code %s)", code)

	tampered := signURL(e.url, "GET", e.creds.AccessKeyID, e.creds.AccessKeySecret, resource, later, url.Values{"x": {"1"}}) + "&x=3"
	status, code = get(tampered)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, fc.CodeSignatureNotMatch, code, "a query added after signing breaks the signature")

	status, code = get(signURL(e.url, "GET", e.creds.AccessKeyID, "wrong-secret", resource, later, nil))
	assert.Equal(t, fc.CodeSignatureNotMatch, code, "status %d", status)

	status, code = get(signURL(e.url, "GET", e.creds.AccessKeyID, e.creds.AccessKeySecret, resource, time.Now().Add(-time.Minute), nil))
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, fc.CodeRequestTimeTooSkewed, code, "an expired signed URL is refused")

	noKey := strings.Replace(signURL(e.url, "GET", e.creds.AccessKeyID, e.creds.AccessKeySecret, resource, later, nil), "x-fc-access-key-id=", "x-fc-access-key-idx=", 1)
	status, code = get(noKey)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, fc.CodeAccessDenied, code)
}

func TestTheSignedURLVectorOfTheWireProtocolVerifies(t *testing.T) {
	t.Parallel()
	// wire-protocol.md's vector: its string to sign, signed here as a
	// client would, must verify when the server rebuilds it from the parts.
	const secret = "S9MWOBG0AOWHSO9HPASP216QOPHT5YR4NLH3A"
	const toSign = "GET\nef5b43a0fe1d5b401b62c3ba33a7a3d6\ntext/json\n1583221068\nx-fc-trace-id:trace-id\n/2016-08-15/proxy/service.LATEST/func/abc 123\na=123 45\nx-fc-access-key-id=akID\nx-fc-expires=1583221068\nx-fc-security-token=stsToken\nx=456\nx=xyz"
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(toSign))
	query := url.Values{
		"a": {"123 45"}, "x-fc-access-key-id": {"akID"}, "x-fc-expires": {"1583221068"},
		"x-fc-security-token": {"stsToken"}, "x": {"456", "xyz"},
		"x-fc-signature": {base64.StdEncoding.EncodeToString(mac.Sum(nil))},
	}
	h := http.Header{}
	h.Set("Content-MD5", "ef5b43a0fe1d5b401b62c3ba33a7a3d6")
	h.Set("Content-Type", "text/json")
	h.Set("x-fc-trace-id", "trace-id")
	before := time.Unix(1583221068, 0).Add(-time.Minute)
	id, err := verifySignature(map[string]string{"akID": secret}, before, "GET", "/2016-08-15/proxy/service.LATEST/func/abc 123", h, query)
	require.NoError(t, err)
	assert.Equal(t, "akID", id)
	assert.Contains(t, query, "x-fc-signature", "the caller's query is left as it was")
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
