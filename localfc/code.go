package localfc

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// codeURLTTL is how long a GetFunctionCode URL downloads.
const codeURLTTL = 10 * time.Minute

// codeRef is what a download token refers to: one function's code, by
// checksum, as of a qualifier.
type codeRef struct {
	account, service, qualifier, function, checksum string
	expires                                         time.Time
}

func getFunctionCode(ctx context.Context, s *Server, c *call) (response, error) {
	// GetFunction carries the checksum without loading the zip.
	fn, err := s.store.GetFunction(ctx, c.account, c.service, c.qualifier, c.function)
	if err != nil {
		return response{}, err
	}
	token := s.signCodeRef(codeRef{
		account: c.account, service: c.service, qualifier: c.qualifier, function: c.function,
		checksum: fn.CodeChecksum, expires: s.now().Add(codeURLTTL),
	})
	return jsonOK(fc.FunctionCode{
		URL:      baseURL(c.r) + apiPrefix + "code/" + token,
		Checksum: fn.CodeChecksum,
	}, ""), nil
}

// baseURL is scheme://host[:port] of this server as the client addressed
// it. The Node SDK sends Host without the port, so a missing port comes
// from the connection's local address (unless it is the scheme's default).
func baseURL(r *http.Request) string {
	scheme, defPort := "http", "80"
	if r.TLS != nil {
		scheme, defPort = "https", "443"
	}
	host := r.Host
	if _, _, err := net.SplitHostPort(host); err != nil {
		if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if _, port, err := net.SplitHostPort(la.String()); err == nil && port != defPort {
				host = net.JoinHostPort(strings.Trim(host, "[]"), port)
			}
		}
	}
	return scheme + "://" + host
}

// downloadCode serves the zip a token names. The token is the only
// credential, so it is checked before anything is read.
func downloadCode(ctx context.Context, s *Server, c *call) (response, error) {
	ref, err := s.verifyCodeToken(c.token)
	if err != nil {
		return response{}, err
	}
	blob, err := s.store.GetFunctionCode(ctx, ref.account, ref.service, ref.qualifier, ref.function)
	if err != nil {
		return response{}, err
	}
	if blob.Checksum != ref.checksum {
		return response{}, fc.NewError(fc.CodeFunctionNotFound, "the code of function %s/%s changed since this download URL was issued; call GetFunctionCode again", ref.service, ref.function)
	}
	return response{status: http.StatusOK, raw: blob.Zip, contentType: "application/zip"}, nil
}

// signCodeRef encodes ref as payload.mac, both base64url. Names cannot hold
// a newline, so newline separates the fields.
func (s *Server) signCodeRef(ref codeRef) string {
	payload := strings.Join([]string{ref.account, ref.service, ref.qualifier, ref.function, ref.checksum,
		strconv.FormatInt(ref.expires.Unix(), 10)}, "\n")
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(s.codeMAC([]byte(payload)))
}

func (s *Server) codeMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write(payload)
	return m.Sum(nil)
}

func (s *Server) verifyCodeToken(token string) (codeRef, error) {
	refused := fc.NewError(fc.CodeAccessDenied, "the code download URL is not valid; call GetFunctionCode for a new one")
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return codeRef{}, refused
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.codeMAC(payload)) {
		return codeRef{}, refused
	}
	f := strings.Split(string(payload), "\n")
	if len(f) != 6 {
		return codeRef{}, refused
	}
	exp, err := strconv.ParseInt(f[5], 10, 64)
	if err != nil {
		return codeRef{}, refused
	}
	ref := codeRef{account: f[0], service: f[1], qualifier: f[2], function: f[3], checksum: f[4], expires: time.Unix(exp, 0)}
	if s.now().After(ref.expires) {
		return codeRef{}, fc.NewError(fc.CodeAccessDenied, "the code download URL expired at %s; call GetFunctionCode for a new one", ref.expires.UTC().Format(time.RFC3339))
	}
	return ref, nil
}
