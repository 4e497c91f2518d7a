package localfc

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// FuzzParseRequest feeds arbitrary methods and paths to the router: it
// must never panic, and whatever it accepts must carry the names the path
// spells (no name may contain a slash, the service no dot).
func FuzzParseRequest(f *testing.F) {
	for _, seed := range []string{
		"/2016-08-15/services", "/2016-08-15/services/", "/2016-08-15/services/s.live/functions/f/code",
		"/2016-08-15/services/s./functions", "/2016-08-15/services/s.a.b", "/2016-08-15/services//functions",
		"/2016-08-15/services/s/functions/f/triggers/t", "/2016-08-15/code/abc.def", "/2016-08-15/proxy/s/f/x",
		"/2016-08-15", "", "/", "/2016-08-15/services/s/versions/1?x=1",
	} {
		f.Add("GET", seed)
		f.Add("POST", seed)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		rt, c, err := parseRequest(method, path)
		if err != nil {
			if fc.AsAPIError(err) == nil {
				t.Fatalf("parseRequest(%q, %q) returned a non-API error %v", method, path, err)
			}
			return
		}
		if rt.method != method {
			t.Fatalf("route %s matched method %q", rt.op, method)
		}
		for _, name := range []string{c.service, c.function, c.trigger, c.version, c.alias, c.token} {
			if strings.Contains(name, "/") {
				t.Fatalf("name %q from %q contains a slash", name, path)
			}
		}
		if strings.Contains(c.service, ".") {
			t.Fatalf("service %q from %q contains a dot", c.service, path)
		}
		if c.qualifier != "" && !rt.qualified {
			t.Fatalf("%s accepted qualifier %q", rt.op, c.qualifier)
		}
	})
}

// FuzzVerifySignature checks that a request signed with the right key is
// accepted whatever its path, headers and query, and that changing a
// signed part is refused.
func FuzzVerifySignature(f *testing.F) {
	f.Add("GET", "/2016-08-15/services", "application/json", "", "1234", "a=1")
	f.Add("POST", "/2016-08-15/services/s/functions", "application/octet-stream", "ZWY1YjQz", "", "")
	f.Add("GET", "/2016-08-15/proxy/service.LATEST/func/abc 123", "text/json", "ef5b43a0fe1d5b401b62c3ba33a7a3d6", "x", "x=456&x=xyz&a=123 45")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	creds := map[string]string{"key": "secret"}
	f.Fuzz(func(t *testing.T, method, path, contentType, md5, account, rawQuery string) {
		h := http.Header{}
		h.Set("Date", now.Format(http.TimeFormat))
		h.Set("Content-Type", contentType)
		h.Set("Content-MD5", md5)
		h.Set(fc.HeaderAccountID, account)
		query := parseQuery(rawQuery)
		delete(query, "x-fc-expires") // it would replace Date and expire
		sig := fc.Signature("secret", fc.StringToSign(method, path, h, query))
		h.Set("Authorization", "FC key:"+sig)
		if _, err := verifySignature(creds, now, method, path, h, query); err != nil {
			t.Fatalf("a correctly signed request was refused: %v", err)
		}
		h.Set(fc.HeaderAccountID, account+"x")
		if _, err := verifySignature(creds, now, method, path, h, query); !fc.IsCode(err, fc.CodeSignatureNotMatch) {
			t.Fatalf("a changed signed header was not refused: %v", err)
		}
	})
}

func parseQuery(raw string) url.Values {
	q := url.Values{}
	for kv := range strings.SplitSeq(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		q[k] = append(q[k], v)
	}
	return q
}
