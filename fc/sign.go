package fc

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// APIVersion is the path prefix of every request.
const APIVersion = "2016-08-15"

// Header names used on the wire.
const (
	HeaderAccountID      = "x-fc-account-id"
	HeaderRequestID      = "x-fc-request-id"
	HeaderSecurityToken  = "x-fc-security-token"
	HeaderInvocationType = "x-fc-invocation-type"
	HeaderLogType        = "x-fc-log-type"
	HeaderLogResult      = "x-fc-log-result"
	HeaderErrorType      = "x-fc-error-type"
	HeaderCodeChecksum   = "x-fc-code-checksum"
	HeaderDate           = "Date"
	HeaderAuthorization  = "Authorization"
)

// proxyPrefix is the path prefix of HTTP-trigger requests, the only ones
// whose query parameters are signed.
const proxyPrefix = "/" + APIVersion + "/proxy/"

// Credentials sign requests. SecurityToken is set for STS credentials.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// String hides the secret so that credentials never reach logs.
func (c Credentials) String() string {
	return "Credentials{AccessKeyID: " + c.AccessKeyID + ", AccessKeySecret: <hidden>}"
}

// GoString hides the secret from %#v as well.
func (c Credentials) GoString() string { return c.String() }

// StringToSign builds the canonical string of wire-protocol.md, "Signing".
// path is the decoded URL path; header values are used exactly as given.
func StringToSign(method, path string, header http.Header, query url.Values) string {
	date := header.Get("Date")
	if exp := query.Get("x-fc-expires"); exp != "" {
		date = exp
	}
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(header.Get("Content-MD5"))
	b.WriteByte('\n')
	b.WriteString(header.Get("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte('\n')
	b.WriteString(canonicalFCHeaders(header))
	b.WriteString(canonicalResource(path, query))
	return b.String()
}

func canonicalFCHeaders(header http.Header) string {
	var names []string
	values := map[string]string{}
	for k, v := range header {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-fc-") {
			continue
		}
		if _, seen := values[lk]; !seen {
			names = append(names, lk)
		}
		if len(v) > 0 {
			values[lk] = v[0]
		} else {
			values[lk] = ""
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(values[n])
		b.WriteByte('\n')
	}
	return b.String()
}

func canonicalResource(path string, query url.Values) string {
	if !strings.HasPrefix(path, proxyPrefix) {
		return path
	}
	return path + "\n" + canonicalQuery(query)
}

// canonicalQuery is the sorted "k=v" lines of a signed query, joined by
// newlines; a key with no value is written bare.
func canonicalQuery(query url.Values) string {
	var lines []string
	for k, vs := range query {
		if len(vs) == 0 {
			lines = append(lines, k)
			continue
		}
		for _, v := range vs {
			if v == "" {
				lines = append(lines, k)
			} else {
				lines = append(lines, k+"="+v)
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Signature is base64(HMAC-SHA256(secret, stringToSign)).
func Signature(secret, stringToSign string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignRequest sets Date (if missing), the STS token header and
// Authorization on req. It must be called after every other header is set.
func SignRequest(req *http.Request, creds Credentials, now time.Time) {
	if req.Header.Get("Date") == "" {
		req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	}
	if creds.SecurityToken != "" {
		req.Header.Set(HeaderSecurityToken, creds.SecurityToken)
	}
	sts := StringToSign(req.Method, req.URL.Path, req.Header, req.URL.Query())
	req.Header.Set(HeaderAuthorization, "FC "+creds.AccessKeyID+":"+Signature(creds.AccessKeySecret, sts))
}

// ParseAuthorization splits an "FC id:signature" header.
func ParseAuthorization(h string) (accessKeyID, signature string, ok bool) {
	rest, found := strings.CutPrefix(h, "FC ")
	if !found {
		return "", "", false
	}
	id, sig, found := strings.Cut(rest, ":")
	if !found || id == "" || sig == "" {
		return "", "", false
	}
	return id, sig, true
}
