package localfc

import (
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// AnyAccount, in Config.KeyAccounts, lets a key use every valid account: the
// data directory's own key pair, which only its owner can read, has it.
const AnyAccount = "*"

// maxAccountIDLength bounds account ids: real ones are 16 digits, and an id
// becomes a bucket name in the store, so a 70,000-character one must not.
const maxAccountIDLength = 64

// ValidateAccountID checks an account id as the local Function Compute
// accepts it: 1 to 64 letters, digits, '-' or '_'.
func ValidateAccountID(id string) error {
	if id == "" || len(id) > maxAccountIDLength {
		return fc.NewError(fc.CodeInvalidArgument, "account id %q must be 1 to %d characters long", truncate(id, 80), maxAccountIDLength)
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return fc.NewError(fc.CodeInvalidArgument, "account id %q may hold only letters, digits, '-' and '_'", truncate(id, 80))
		}
	}
	return nil
}

// accountOf is x-fc-account-id when present and non-empty, else the first
// label of Host without its port (wire-protocol.md, "Endpoint and paths"). A
// bare address or localhost names no account (the Python SDK and browsers
// calling HTTP triggers send such hosts): the server's default one.
func (s *Server) accountOf(r *http.Request) (string, error) {
	id := r.Header.Get(fc.HeaderAccountID)
	if id == "" {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host == "" || host == "localhost" || net.ParseIP(strings.Trim(host, "[]")) != nil {
			return s.defaultAccount, nil
		}
		id, _, _ = strings.Cut(host, ".")
	}
	if err := ValidateAccountID(id); err != nil {
		return "", err
	}
	return id, nil
}

// authorize checks that the key that signed a request may use account:
// the Host and x-fc-account-id are not signed, so without this binding any
// key would reach every account.
func (s *Server) authorize(keyID, account string) error {
	allowed, bound := s.keyAccounts[keyID]
	if !bound {
		allowed = []string{s.defaultAccount}
	}
	if slices.Contains(allowed, AnyAccount) || slices.Contains(allowed, account) {
		return nil
	}
	return fc.NewError(fc.CodeAccessDenied, "access key %s may not use account %s; it is bound to %s", keyID, account, strings.Join(allowed, ", "))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
