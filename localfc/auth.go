package localfc

import (
	"crypto/hmac"
	"maps"
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
// the decoded path, and the Date or x-fc-expires against the clock. It
// returns the access key id that signed the request.
//
// Node's fc2 signs the path as it sent it, escapes included (it matters for
// GetLayerVersionByArn, whose ARN is one escaped segment), so a request
// whose decoded path does not verify is tried with its escaped path too.
func (s *Server) authenticate(r *http.Request) (string, error) {
	query := r.URL.Query()
	id, err := verifySignature(s.creds, s.now(), r.Method, r.URL.Path, r.Header, query)
	if raw := r.URL.EscapedPath(); fc.IsCode(err, fc.CodeSignatureNotMatch) && raw != r.URL.Path {
		if rid, rerr := verifySignature(s.creds, s.now(), r.Method, raw, r.Header, query); rerr == nil {
			return rid, nil
		}
	}
	return id, err
}

// verifySignature is authenticate without the request, so it can be fuzzed.
// It returns the access key id that signed the request: from the
// Authorization header, or, for a signed URL (x-fc-signature in the query, as
// the Go SDK's SignURL makes them), from x-fc-access-key-id.
func verifySignature(creds map[string]string, now time.Time, method, path string, header http.Header, query url.Values) (string, error) {
	auth := header.Get(fc.HeaderAuthorization)
	var id, sig string
	signedURL := false
	switch {
	case auth != "":
		var ok bool
		if id, sig, ok = fc.ParseAuthorization(auth); !ok {
			return "", fc.NewError(fc.CodeAccessDenied, "the Authorization header is not of the form FC <AccessKeyId>:<signature>")
		}
	case query.Has(fc.QuerySignature):
		id, sig = query.Get(fc.QueryAccessKeyID), query.Get(fc.QuerySignature)
		if id == "" || query.Get(fc.QueryExpires) == "" {
			return "", fc.NewError(fc.CodeAccessDenied, "a signed URL needs %s and %s beside %s; sign it again", fc.QueryAccessKeyID, fc.QueryExpires, fc.QuerySignature)
		}
		// The signature covers every query but itself, whatever the path
		// (a custom domain's too).
		query = maps.Clone(query)
		delete(query, fc.QuerySignature)
		signedURL = true
	default:
		return "", fc.NewError(fc.CodeAccessDenied, "the request has no Authorization header; sign it with an access key (FC <AccessKeyId>:<signature>)")
	}
	secret, known := creds[id]
	if !known {
		return "", fc.NewError(fc.CodeInvalidAccessKeyID, "access key id %q is not known to this server", truncate(id, 80))
	}
	toSign := fc.StringToSign(method, path, header, query)
	if signedURL {
		toSign = fc.SignedURLStringToSign(method, path, header, query)
	}
	want := fc.Signature(secret, toSign)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return "", fc.NewError(fc.CodeSignatureNotMatch, "the request signature does not match; check the access key secret and that the client signs the path %q", path)
	}
	if exp := first(query["x-fc-expires"]); exp != "" {
		// A signed URL: its expiry stands in for Date.
		secs, err := strconv.ParseInt(exp, 10, 64)
		if err != nil {
			return "", fc.NewError(fc.CodeAccessDenied, "x-fc-expires %q is not a Unix time in seconds", exp)
		}
		if now.After(time.Unix(secs, 0)) {
			return "", fc.NewError(fc.CodeRequestTimeTooSkewed, "the signed URL expired at %s", time.Unix(secs, 0).UTC().Format(time.RFC3339))
		}
		return id, nil
	}
	date := header.Get(fc.HeaderDate)
	t, err := http.ParseTime(date)
	if err != nil {
		return "", fc.NewError(fc.CodeAccessDenied, "the Date header %q is missing or not an HTTP date (Mon, 02 Jan 2006 15:04:05 GMT)", date)
	}
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return "", fc.NewError(fc.CodeRequestTimeTooSkewed, "the request Date %s is more than %d minutes away from the server time %s", date, fc.MaxRequestSkewMinutes, now.UTC().Format(http.TimeFormat))
	}
	return id, nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
