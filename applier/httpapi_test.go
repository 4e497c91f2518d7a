package applier

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

// httpAPI is a minimal signed HTTP client for the local server, so that the
// engine is tested over the real wire (validation, JSON encoding of the fc
// input types, ETag headers) while the fc client is being written.
// TODO(h8): replace with fc.NewClient(inst.Config()) once fc/client.go lands.
type httpAPI struct {
	base    string
	account string
	creds   fc.Credentials
	hc      *http.Client

	reads, writes, codeBytes atomic.Int64
}

func newHTTPAPI(t testing.TB) *httpAPI {
	t.Helper()
	inst := localfctest.Start(t)
	return &httpAPI{base: inst.URL + "/2016-08-15", account: inst.AccountID, creds: inst.Credentials, hc: &http.Client{Timeout: 30 * time.Second}}
}

func esc(s string) string { return url.PathEscape(s) }

func svcPath(service, qualifier string) string {
	if qualifier != "" {
		return "/services/" + esc(service) + "." + esc(qualifier)
	}
	return "/services/" + esc(service)
}

// do sends one request and decodes a JSON answer into out; it returns the
// ETag header.
func (a *httpAPI) do(ctx context.Context, method, path string, query url.Values, body any, ifMatch string, out any) (string, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return "", err
		}
		rd = bytes.NewReader(b)
	}
	u := a.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return "", err
	}
	req.Header.Set("x-fc-account-id", a.account)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	fc.SignRequest(req, a.creds, time.Now())
	if method != http.MethodGet {
		a.writes.Add(1)
	} else {
		a.reads.Add(1)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode >= 300 {
		e := &fc.APIError{HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get("x-fc-request-id")}
		if json.Unmarshal(data, e) != nil {
			e.Message = strings.TrimSpace(string(data))
		}
		return "", e
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return "", err
		}
	}
	return resp.Header.Get("ETag"), nil
}

func doOne[T any](a *httpAPI, ctx context.Context, method, path string, body any, ifMatch string, setETag func(*T, string)) (*T, error) {
	var v T
	etag, err := a.do(ctx, method, path, nil, body, ifMatch, &v)
	if err != nil {
		return nil, err
	}
	setETag(&v, etag)
	return &v, nil
}

func listAll[T any](a *httpAPI, ctx context.Context, path string, extra url.Values, items func(page map[string]json.RawMessage) ([]T, error)) ([]T, error) {
	var out []T
	next := ""
	for {
		q := url.Values{"limit": {"100"}}
		for k, v := range extra {
			q[k] = v
		}
		if next != "" {
			q.Set("nextToken", next)
		}
		var page map[string]json.RawMessage
		if _, err := a.do(ctx, http.MethodGet, path, q, nil, "", &page); err != nil {
			return nil, err
		}
		got, err := items(page)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		next = ""
		if raw, ok := page["nextToken"]; ok {
			_ = json.Unmarshal(raw, &next)
		}
		if next == "" {
			return out, nil
		}
	}
}

func field[T any](key string) func(map[string]json.RawMessage) ([]T, error) {
	return func(page map[string]json.RawMessage) ([]T, error) {
		var v []T
		if raw, ok := page[key]; ok {
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
}

func (a *httpAPI) countCode(in fc.FunctionInput) {
	if in.Code != nil && in.Code.ZipFile != "" {
		zip, _ := base64.StdEncoding.DecodeString(in.Code.ZipFile)
		a.codeBytes.Add(int64(len(zip)))
	}
}

func setSvc(v *fc.Service, e string) { v.ETag = e }
func setFn(v *fc.Function, e string) { v.ETag = e }
func setTr(v *fc.Trigger, e string)  { v.ETag = e }
func setAl(v *fc.Alias, e string)    { v.ETag = e }
func setVer(v *fc.Version, e string) { v.ETag = e }
func fnPath(s, q, f string) string   { return svcPath(s, q) + "/functions/" + esc(f) }
func trPath(s, f, tr string) string  { return fnPath(s, "", f) + "/triggers/" + esc(tr) }
func alPath(s, al string) string     { return svcPath(s, "") + "/aliases/" + esc(al) }
func (a *httpAPI) del(ctx context.Context, path, ifMatch string) error {
	_, err := a.do(ctx, http.MethodDelete, path, nil, nil, ifMatch, nil)
	return err
}

func (a *httpAPI) CreateService(ctx context.Context, in fc.ServiceInput) (*fc.Service, error) {
	return doOne(a, ctx, http.MethodPost, "/services", in, "", setSvc)
}
func (a *httpAPI) GetService(ctx context.Context, s, q string) (*fc.Service, error) {
	return doOne(a, ctx, http.MethodGet, svcPath(s, q), nil, "", setSvc)
}
func (a *httpAPI) UpdateService(ctx context.Context, s string, in fc.ServiceInput, ifMatch string) (*fc.Service, error) {
	return doOne(a, ctx, http.MethodPut, svcPath(s, ""), in, ifMatch, setSvc)
}
func (a *httpAPI) DeleteService(ctx context.Context, s, ifMatch string) error {
	return a.del(ctx, svcPath(s, ""), ifMatch)
}
func (a *httpAPI) CreateFunction(ctx context.Context, s string, in fc.FunctionInput) (*fc.Function, error) {
	a.countCode(in)
	return doOne(a, ctx, http.MethodPost, svcPath(s, "")+"/functions", in, "", setFn)
}
func (a *httpAPI) GetFunction(ctx context.Context, s, q, f string) (*fc.Function, error) {
	return doOne(a, ctx, http.MethodGet, fnPath(s, q, f), nil, "", setFn)
}
func (a *httpAPI) UpdateFunction(ctx context.Context, s, f string, in fc.FunctionInput, ifMatch string) (*fc.Function, error) {
	a.countCode(in)
	return doOne(a, ctx, http.MethodPut, fnPath(s, "", f), in, ifMatch, setFn)
}
func (a *httpAPI) DeleteFunction(ctx context.Context, s, f, ifMatch string) error {
	return a.del(ctx, fnPath(s, "", f), ifMatch)
}
func (a *httpAPI) ListAllFunctions(ctx context.Context, s, q string) ([]fc.Function, error) {
	return listAll(a, ctx, svcPath(s, q)+"/functions", nil, field[fc.Function]("functions"))
}
func (a *httpAPI) CreateTrigger(ctx context.Context, s, f string, in fc.TriggerInput) (*fc.Trigger, error) {
	return doOne(a, ctx, http.MethodPost, fnPath(s, "", f)+"/triggers", in, "", setTr)
}
func (a *httpAPI) GetTrigger(ctx context.Context, s, f, tr string) (*fc.Trigger, error) {
	return doOne(a, ctx, http.MethodGet, trPath(s, f, tr), nil, "", setTr)
}
func (a *httpAPI) UpdateTrigger(ctx context.Context, s, f, tr string, in fc.TriggerInput, ifMatch string) (*fc.Trigger, error) {
	return doOne(a, ctx, http.MethodPut, trPath(s, f, tr), in, ifMatch, setTr)
}
func (a *httpAPI) DeleteTrigger(ctx context.Context, s, f, tr, ifMatch string) error {
	return a.del(ctx, trPath(s, f, tr), ifMatch)
}
func (a *httpAPI) ListAllTriggers(ctx context.Context, s, f string) ([]fc.Trigger, error) {
	return listAll(a, ctx, fnPath(s, "", f)+"/triggers", nil, field[fc.Trigger]("triggers"))
}
func (a *httpAPI) PublishVersion(ctx context.Context, s, description, ifMatch string) (*fc.Version, error) {
	return doOne(a, ctx, http.MethodPost, svcPath(s, "")+"/versions", fc.PublishVersionInput{Description: description}, ifMatch, setVer)
}
func (a *httpAPI) ListAllVersions(ctx context.Context, s string) ([]fc.Version, error) {
	return listAll(a, ctx, svcPath(s, "")+"/versions", nil, field[fc.Version]("versions"))
}
func (a *httpAPI) DeleteVersion(ctx context.Context, s, id string) error {
	return a.del(ctx, svcPath(s, "")+"/versions/"+esc(id), "")
}
func (a *httpAPI) CreateAlias(ctx context.Context, s string, in fc.AliasInput) (*fc.Alias, error) {
	return doOne(a, ctx, http.MethodPost, svcPath(s, "")+"/aliases", in, "", setAl)
}
func (a *httpAPI) GetAlias(ctx context.Context, s, al string) (*fc.Alias, error) {
	return doOne(a, ctx, http.MethodGet, alPath(s, al), nil, "", setAl)
}
func (a *httpAPI) UpdateAlias(ctx context.Context, s, al string, in fc.AliasInput, ifMatch string) (*fc.Alias, error) {
	return doOne(a, ctx, http.MethodPut, alPath(s, al), in, ifMatch, setAl)
}
func (a *httpAPI) DeleteAlias(ctx context.Context, s, al, ifMatch string) error {
	return a.del(ctx, alPath(s, al), ifMatch)
}
func (a *httpAPI) ListAllAliases(ctx context.Context, s string) ([]fc.Alias, error) {
	return listAll(a, ctx, svcPath(s, "")+"/aliases", nil, field[fc.Alias]("aliases"))
}
