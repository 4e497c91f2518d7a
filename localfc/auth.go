package localfc

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// maxSkew is how far a request's Date may be from the server's clock.
const maxSkew = fc.MaxRequestSkewMinutes * time.Minute

// authenticate checks the FC signature of r exactly as received: header
// values verbatim (Content-MD5 is signed, never checked against the body),
// the decoded path, and the Date or x-fc-expires against the clock.
//
// Node's fc2 signs the path as it sent it, escapes included (it matters for
// GetLayerVersionByArn, whose ARN is one escaped segment), so a request
// whose decoded path does not verify is tried with its escaped path too.
// A signed URL (fc.Client.SignURL) carries its signature in the query.
func (s *Server) authenticate(r *http.Request) error {
	query := r.URL.Query()
	if r.Header.Get(fc.HeaderAuthorization) == "" && query.Has(fc.QuerySignature) {
		return verifySignedURL(s.creds, s.now(), r.Method, r.URL.Path, r.Header, query)
	}
	err := verifySignature(s.creds, s.now(), r.Method, r.URL.Path, r.Header, query)
	if raw := r.URL.EscapedPath(); fc.IsCode(err, fc.CodeSignatureNotMatch) && raw != r.URL.Path {
		if verifySignature(s.creds, s.now(), r.Method, raw, r.Header, query) == nil {
			return nil
		}
	}
	return err
}

// verifySignedURL checks a URL signed by fc.Client.SignURL (reference
// section 10.2): key id, expiry and signature from the query, the signature
// over the query without itself.
func verifySignedURL(creds map[string]string, now time.Time, method, path string, header http.Header, query url.Values) error {
	id, exp := query.Get(fc.QueryAccessKeyID), query.Get(fc.QueryExpires)
	if id == "" || exp == "" {
		return fc.NewError(fc.CodeAccessDenied, "the signed URL lacks %s or %s; sign it again", fc.QueryAccessKeyID, fc.QueryExpires)
	}
	secret, known := creds[id]
	if !known {
		return fc.NewError(fc.CodeInvalidAccessKeyID, "access key id %q of the signed URL is not known to this server", id)
	}
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return fc.NewError(fc.CodeAccessDenied, "%s %q is not a Unix time in seconds", fc.QueryExpires, exp)
	}
	if now.After(time.Unix(secs, 0)) {
		return fc.NewError(fc.CodeAccessDenied, "the signed URL expired at %s; sign a new one", time.Unix(secs, 0).UTC().Format(time.RFC3339))
	}
	signed := url.Values{}
	for k, vs := range query {
		if k != fc.QuerySignature {
			signed[k] = vs
		}
	}
	want := fc.Signature(secret, fc.SignedURLStringToSign(method, path, header, signed))
	if !hmac.Equal([]byte(query.Get(fc.QuerySignature)), []byte(want)) {
		return fc.NewError(fc.CodeSignatureNotMatch, "the signature of the signed URL does not match; check the access key secret and that the URL was used unchanged with the method it was signed for")
	}
	return nil
}

// verifySignature is authenticate without the request, so it can be fuzzed.
func verifySignature(creds map[string]string, now time.Time, method, path string, header http.Header, query map[string][]string) error {
	auth := header.Get(fc.HeaderAuthorization)
	if auth == "" {
		return fc.NewError(fc.CodeAccessDenied, "the request has no Authorization header; sign it with an access key (FC <AccessKeyId>:<signature>)")
	}
	id, sig, ok := fc.ParseAuthorization(auth)
	if !ok {
		return fc.NewError(fc.CodeAccessDenied, "the Authorization header is not of the form FC <AccessKeyId>:<signature>")
	}
	secret, known := creds[id]
	if !known {
		return fc.NewError(fc.CodeInvalidAccessKeyID, "access key id %q is not known to this server", id)
	}
	want := fc.Signature(secret, fc.StringToSign(method, path, header, query))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return fc.NewError(fc.CodeSignatureNotMatch, "the request signature does not match; check the access key secret and that the client signs the path %q", path)
	}
	if exp := first(query["x-fc-expires"]); exp != "" {
		// A signed URL: its expiry stands in for Date.
		secs, err := strconv.ParseInt(exp, 10, 64)
		if err != nil {
			return fc.NewError(fc.CodeAccessDenied, "x-fc-expires %q is not a Unix time in seconds", exp)
		}
		if now.After(time.Unix(secs, 0)) {
			return fc.NewError(fc.CodeRequestTimeTooSkewed, "the signed URL expired at %s", time.Unix(secs, 0).UTC().Format(time.RFC3339))
		}
		return nil
	}
	date := header.Get(fc.HeaderDate)
	t, err := http.ParseTime(date)
	if err != nil {
		return fc.NewError(fc.CodeAccessDenied, "the Date header %q is missing or not an HTTP date (Mon, 02 Jan 2006 15:04:05 GMT)", date)
	}
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return fc.NewError(fc.CodeRequestTimeTooSkewed, "the request Date %s is more than %d minutes away from the server time %s", date, fc.MaxRequestSkewMinutes, now.UTC().Format(http.TimeFormat))
	}
	return nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
