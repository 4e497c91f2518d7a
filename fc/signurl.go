package fc

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Signed URLs (reference section 10.2, the Go SDK's SignURL): a URL that
// calls an HTTP-triggered function with authType "function" and carries its
// signature in the query, so that a browser or curl can use it until it
// expires without holding the access key.

// Query keys of a signed URL.
const (
	QueryExpires     = "x-fc-expires"
	QueryAccessKeyID = "x-fc-access-key-id"
	QuerySignature   = "x-fc-signature"
	QuerySTSToken    = "x-fc-security-token"
)

// SignURLInput says what a signed URL calls.
type SignURLInput struct {
	Method       string // GET when ""
	ServiceName  string
	Qualifier    string // optional: a version id or alias
	FunctionName string
	// EscapedPath is the path below the function, escaped as it will be
	// sent ("/" when ""). The signature covers its unescaped form.
	EscapedPath string
	Expires     time.Time
	// Header holds headers the caller will send with the URL; its
	// Content-MD5, Content-Type and x-fc-* values are signed.
	Header http.Header
	// Queries are extra query parameters, signed with the rest.
	Queries url.Values
	// CustomEndpoint is a custom domain's base URL (scheme://host): the URL
	// is then that endpoint plus EscapedPath, without /2016-08-15/proxy/...
	CustomEndpoint string
}

// SignURL returns a URL that calls the function described by in until
// in.Expires, signed with the client's credentials.
func (c *Client) SignURL(in SignURLInput) (string, error) {
	if in.CustomEndpoint == "" && (in.ServiceName == "" || in.FunctionName == "") {
		return "", fmt.Errorf("fc: SignURL: service and function names are required (or a custom endpoint)")
	}
	if in.Expires.IsZero() {
		return "", fmt.Errorf("fc: SignURL %s/%s: an expiry time is required", in.ServiceName, in.FunctionName)
	}
	method := in.Method
	if method == "" {
		method = http.MethodGet
	}
	escaped := in.EscapedPath
	if escaped == "" {
		escaped = "/"
	}
	if !strings.HasPrefix(escaped, "/") {
		escaped = "/" + escaped
	}
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		return "", fmt.Errorf("fc: SignURL %s/%s: path %q is not validly escaped: %w", in.ServiceName, in.FunctionName, escaped, err)
	}

	q := url.Values{}
	for k, vs := range in.Queries {
		q[k] = append([]string(nil), vs...)
	}
	q.Set(QueryExpires, strconv.FormatInt(in.Expires.Unix(), 10))
	if c.creds.SecurityToken != "" {
		q.Set(QuerySTSToken, c.creds.SecurityToken)
	} else {
		q.Del(QuerySTSToken)
	}
	q.Set(QueryAccessKeyID, c.creds.AccessKeyID)
	q.Del(QuerySignature)

	var base, path string
	if in.CustomEndpoint != "" {
		base, path = strings.TrimSuffix(in.CustomEndpoint, "/")+escaped, unescaped
	} else {
		svc := in.ServiceName
		if in.Qualifier != "" {
			svc += "." + in.Qualifier
		}
		base = c.base + "/proxy/" + esc(svc) + "/" + esc(in.FunctionName) + escaped
		path = proxyPrefix + svc + "/" + in.FunctionName + unescaped
	}
	header := in.Header
	if header == nil {
		header = http.Header{}
	}
	sig := Signature(c.creds.AccessKeySecret, SignedURLStringToSign(method, path, header, q))
	q.Set(QuerySignature, sig)
	return base + "?" + q.Encode(), nil
}

// SignedURLStringToSign is the string a signed URL's x-fc-signature signs:
// the request string of wire-protocol.md with x-fc-expires for Date and the
// query always part of the resource (also on custom-domain paths). query
// must not hold x-fc-signature itself.
func SignedURLStringToSign(method, path string, header http.Header, query url.Values) string {
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(header.Get("Content-MD5"))
	b.WriteByte('\n')
	b.WriteString(header.Get("Content-Type"))
	b.WriteByte('\n')
	b.WriteString(query.Get(QueryExpires))
	b.WriteByte('\n')
	b.WriteString(canonicalFCHeaders(header))
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(query))
	return b.String()
}
