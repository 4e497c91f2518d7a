package localfc

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// Layers (reference section 5). A layer version's code is kept like a
// function's, and GetLayerVersion hands out a download URL for it that,
// like GetFunctionCode's, carries its own short-lived signed token.

// layerCodePath is where layer zips download: under code/ so that request
// logs leave the token out (logPath), as for function code.
const layerCodePath = "code/layer/"

// pathSegment is the i-th segment of the request path below the API
// version, decoded. Routes whose placeholders the router does not know
// (layer names and versions) read them here.
func pathSegment(c *call, i int) string {
	segs := strings.Split(strings.TrimPrefix(c.r.URL.Path, apiPrefix), "/")
	if i < len(segs) {
		return segs[i]
	}
	return ""
}

// layerName reads and checks the {layer} of /layers/{layer}/...
func layerName(c *call) (string, error) {
	name := pathSegment(c, 1)
	if err := fc.ValidateLayerName(name); err != nil {
		return "", invalid("%v", err)
	}
	return name, nil
}

// layerVersion reads and checks the {version} of /layers/{layer}/versions/{version}.
func layerVersion(c *call) (int32, error) {
	v, err := fc.ParseLayerVersion(pathSegment(c, 3))
	if err != nil {
		return 0, invalid("%v", err)
	}
	return v, nil
}

// showLayer fills in what depends on how the server is addressed: the
// ARN and the code download URL.
func (s *Server) showLayer(c *call, account string, l fc.Layer) fc.Layer {
	l.ARN = fc.LayerVersionARN(DefaultRegion, account, l.LayerName, l.Version)
	l.Code = fc.LayerCode{
		RepositoryType: fc.RepositoryTypeOSS,
		Location: baseURL(c.r) + apiPrefix + layerCodePath + s.signLayerRef(layerRef{
			account: account, layer: l.LayerName, version: l.Version, checksum: l.CodeChecksum,
			expires: s.now().Add(codeURLTTL),
		}),
	}
	return l
}

func publishLayerVersion(ctx context.Context, s *Server, c *call) (response, error) {
	name, err := layerName(c)
	if err != nil {
		return response{}, err
	}
	var in fc.PublishLayerVersionInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	subject := "layer " + name
	if in.Code == nil {
		return response{}, invalid("%s: code is required (code.zipFile, a base64 zip)", subject)
	}
	if err := checkDescription(subject, in.Description); err != nil {
		return response{}, err
	}
	for _, r := range in.CompatibleRuntime {
		if err := fc.ValidateRuntime(r); err != nil {
			return response{}, invalid("%s: compatibleRuntime: %v", subject, err)
		}
	}
	code, err := decodeCode(subject, in.Code)
	if err != nil {
		return response{}, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	l, err := s.store.PublishLayerVersion(ctx, c.account, name, store.LayerVersionInput{Description: desc, CompatibleRuntime: in.CompatibleRuntime}, code)
	if err != nil {
		return response{}, err
	}
	return jsonOK(s.showLayer(c, c.account, l), l.ETag), nil
}

func getLayerVersion(ctx context.Context, s *Server, c *call) (response, error) {
	name, err := layerName(c)
	if err != nil {
		return response{}, err
	}
	v, err := layerVersion(c)
	if err != nil {
		return response{}, err
	}
	l, err := s.store.GetLayerVersion(ctx, c.account, name, v)
	if err != nil {
		return response{}, err
	}
	return jsonOK(s.showLayer(c, c.account, l), l.ETag), nil
}

// getLayerVersionByArn takes the ARN from the raw path: it is one escaped
// segment (Go url.PathEscape, Node encodeURIComponent), which the decoded
// path splits at its '/'.
func getLayerVersionByArn(ctx context.Context, s *Server, c *call) (response, error) {
	raw := strings.TrimPrefix(c.r.URL.EscapedPath(), apiPrefix+"layerarn/")
	arn, err := url.PathUnescape(raw)
	if err != nil {
		return response{}, invalid("layer ARN %q is not validly escaped: %v", raw, err)
	}
	ref, err := fc.ParseLayerVersionARN(arn)
	if err != nil {
		return response{}, invalid("%v", err)
	}
	if ref.Owner == fc.LayerOwnerOfficial {
		return response{}, fc.NewError(fc.CodeLayerNotFound, "layer %s: the local Function Compute has no official layers; publish the layer to account %s and use its ARN", arn, c.account)
	}
	l, err := s.store.GetLayerVersion(ctx, ref.Owner, ref.LayerName, ref.Version)
	if ref.Owner != c.account && (err != nil && fc.IsNotFound(err) || err == nil && l.ACL != fc.LayerACLPublic) {
		// Another account's layer is readable only when public; whether a
		// private one exists is none of the caller's business.
		return response{}, fc.NewError(fc.CodeAccessDenied, "layer %s of account %s is not public; account %s cannot read it", arn, ref.Owner, c.account)
	}
	if err != nil {
		return response{}, err
	}
	return jsonOK(s.showLayer(c, ref.Owner, l), l.ETag), nil
}

func listLayers(ctx context.Context, s *Server, c *call) (response, error) {
	q := c.r.URL.Query()
	opt, err := listOptions(q)
	if err != nil {
		return response{}, err
	}
	var out fc.ListLayersOutput
	switch {
	case q.Get("official") == "true":
		// The local Function Compute has no official layers.
		out = fc.ListLayersOutput{Layers: []fc.Layer{}}
	case q.Get("public") == "true":
		// The account's own public layers: other accounts' are found by ARN.
		out, err = s.store.ListPublicLayers(ctx, c.account, opt)
	default:
		out, err = s.store.ListLayers(ctx, c.account, opt)
	}
	if err != nil {
		return response{}, err
	}
	for i, l := range out.Layers {
		out.Layers[i] = s.showLayer(c, c.account, l)
	}
	return jsonOK(out, ""), nil
}

func listLayerVersions(ctx context.Context, s *Server, c *call) (response, error) {
	name, err := layerName(c)
	if err != nil {
		return response{}, err
	}
	q := c.r.URL.Query()
	limit, err := listLimit(q)
	if err != nil {
		return response{}, err
	}
	start := int32(1)
	if v := q.Get("startVersion"); v != "" {
		if start, err = fc.ParseLayerVersion(v); err != nil {
			return response{}, invalid("startVersion: %v", err)
		}
	}
	out, err := s.store.ListLayerVersions(ctx, c.account, name, start, limit)
	if err != nil {
		return response{}, err
	}
	for i, l := range out.Layers {
		out.Layers[i] = s.showLayer(c, c.account, l)
	}
	return jsonOK(out, ""), nil
}

func deleteLayerVersion(ctx context.Context, s *Server, c *call) (response, error) {
	name, err := layerName(c)
	if err != nil {
		return response{}, err
	}
	v, err := layerVersion(c)
	if err != nil {
		return response{}, err
	}
	if err := s.store.DeleteLayerVersion(ctx, c.account, name, v); err != nil {
		return response{}, err
	}
	return noContent(), nil
}

// putLayerACL makes a layer public or private: ?public=true|false.
func putLayerACL(ctx context.Context, s *Server, c *call) (response, error) {
	name, err := layerName(c)
	if err != nil {
		return response{}, err
	}
	var public bool
	switch v := c.r.URL.Query().Get("public"); v {
	case "true":
		public = true
	case "false":
	default:
		return response{}, invalid("PutLayerACL layer %s: public=%q is invalid: use public=true or public=false", name, v)
	}
	if err := s.store.PutLayerACL(ctx, c.account, name, public); err != nil {
		return response{}, err
	}
	return jsonOK(struct{}{}, ""), nil
}

// layerRef is what a layer download token refers to.
type layerRef struct {
	account, layer string
	version        int32
	checksum       string
	expires        time.Time
}

// layerMAC signs layer tokens with a key of their own, derived from the
// code token key, so that a function code token never passes for a layer
// one or the other way round.
func (s *Server) layerMAC(payload []byte) []byte {
	k := hmac.New(sha256.New, s.tokenKey)
	k.Write([]byte("layer code download"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write(payload)
	return m.Sum(nil)
}

func (s *Server) signLayerRef(ref layerRef) string {
	payload := strings.Join([]string{ref.account, ref.layer, strconv.FormatInt(int64(ref.version), 10), ref.checksum,
		strconv.FormatInt(ref.expires.Unix(), 10)}, "\n")
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(s.layerMAC([]byte(payload)))
}

func (s *Server) verifyLayerToken(token string) (layerRef, error) {
	refused := fc.NewError(fc.CodeAccessDenied, "the layer code download URL is not valid; call GetLayerVersion for a new one")
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return layerRef{}, refused
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.layerMAC(payload)) {
		return layerRef{}, refused
	}
	f := strings.Split(string(payload), "\n")
	if len(f) != 5 {
		return layerRef{}, refused
	}
	version, err1 := strconv.ParseInt(f[2], 10, 32)
	exp, err2 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil {
		return layerRef{}, refused
	}
	ref := layerRef{account: f[0], layer: f[1], version: int32(version), checksum: f[3], expires: time.Unix(exp, 0)}
	if s.now().After(ref.expires) {
		return layerRef{}, fc.NewError(fc.CodeAccessDenied, "the layer code download URL expired at %s; call GetLayerVersion for a new one", ref.expires.UTC().Format(time.RFC3339))
	}
	return ref, nil
}

// downloadLayerCode serves the zip a layer token names; the token is the
// only credential, so it is checked before anything is read.
func downloadLayerCode(ctx context.Context, s *Server, c *call) (response, error) {
	ref, err := s.verifyLayerToken(c.token)
	if err != nil {
		return response{}, err
	}
	blob, err := s.store.GetLayerVersionCode(ctx, ref.account, ref.layer, ref.version)
	if err != nil {
		return response{}, err
	}
	if blob.Checksum != ref.checksum {
		// Versions are immutable, so only a deleted and corrupted store gets here.
		return response{}, fc.NewError(fc.CodeLayerVersionNotFound, "layer %s version %d no longer holds the code this URL was issued for", ref.layer, ref.version)
	}
	return response{status: http.StatusOK, raw: blob.Zip, contentType: "application/zip"}, nil
}
