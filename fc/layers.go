package fc

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Layers (reference section 5): shared code published as immutable,
// numbered versions that functions list by ARN.

// Limits of layers. The reference leaves the name length unconfirmed; it
// follows the function-name rule.
const (
	MaxLayerNameLength = 64
	// LayerACLPrivate and LayerACLPublic are the values of Layer.ACL.
	LayerACLPrivate = 0
	LayerACLPublic  = 1
	// LayerOwnerOfficial stands in for the account id in official layers' ARNs.
	LayerOwnerOfficial = "official"
	// RepositoryTypeOSS is Layer.Code.RepositoryType: the location is a URL
	// that downloads the zip.
	RepositoryTypeOSS = "OSS"
)

// LayerCode is where a layer version's zip can be downloaded.
type LayerCode struct {
	RepositoryType string `json:"repositoryType"`
	Location       string `json:"location"`
}

// Layer is one version of a layer, as GetLayerVersion answers it.
type Layer struct {
	LayerName         string    `json:"layerName"`
	Version           int32     `json:"version"`
	Description       string    `json:"description"`
	Code              LayerCode `json:"code"`
	CodeSize          int64     `json:"codeSize"`
	CodeChecksum      string    `json:"codeChecksum"`
	CreateTime        string    `json:"createTime"` // createTime, not createdTime
	ACL               int32     `json:"acl"`
	CompatibleRuntime []string  `json:"compatibleRuntime"`
	ARN               string    `json:"arn"`
	ETag              string    `json:"-"`
}

// PublishLayerVersionInput is the body of PublishLayerVersion. The path
// names the layer; LayerName in the body (the Go SDK repeats it) is ignored.
type PublishLayerVersionInput struct {
	LayerName         string   `json:"layerName,omitempty"`
	Code              *Code    `json:"code,omitempty"`
	CompatibleRuntime []string `json:"compatibleRuntime,omitempty"`
	Description       *string  `json:"description,omitempty"`
}

// ListLayersOptions are the query of ListLayers: the usual list keys plus
// the public and official filters.
type ListLayersOptions struct {
	ListOptions
	Public   bool
	Official bool
}

// ListLayersOutput is the body of ListLayers: the newest version of each layer.
type ListLayersOutput struct {
	Layers    []Layer `json:"layers"`
	NextToken string  `json:"nextToken,omitempty"`
}

// ListLayerVersionsOptions are the query of ListLayerVersions, which pages
// by version number rather than by token.
type ListLayerVersionsOptions struct {
	StartVersion int32 // 0: from version 1
	Limit        int
}

// ListLayerVersionsOutput is the body of ListLayerVersions; NextVersion is
// 0 on the last page.
type ListLayerVersionsOutput struct {
	Layers      []Layer `json:"layers"`
	NextVersion int32   `json:"nextVersion,omitempty"`
}

// LayerVersionRef is what a layer version ARN names.
type LayerVersionRef struct {
	Region    string
	Owner     string // the account id, or LayerOwnerOfficial
	LayerName string
	Version   int32
}

// String is the ARN: acs:fc:{region}:{owner}:layers/{name}/versions/{version}.
func (r LayerVersionRef) String() string {
	return LayerVersionARN(r.Region, r.Owner, r.LayerName, r.Version)
}

// LayerVersionARN builds the ARN of a layer version.
func LayerVersionARN(region, owner, layer string, version int32) string {
	return fmt.Sprintf("acs:fc:%s:%s:layers/%s/versions/%d", region, owner, layer, version)
}

var layerARNRE = regexp.MustCompile(`^acs:fc:([a-z0-9-]+):([A-Za-z0-9_-]+):layers/([^/]+)/versions/([0-9]+)$`)

// ParseLayerVersionARN splits a layer version ARN and checks each part.
func ParseLayerVersionARN(arn string) (LayerVersionRef, error) {
	m := layerARNRE.FindStringSubmatch(arn)
	if m == nil {
		return LayerVersionRef{}, fmt.Errorf("layer ARN %q is not of the form acs:fc:REGION:ACCOUNT:layers/NAME/versions/N", arn)
	}
	if err := ValidateLayerName(m[3]); err != nil {
		return LayerVersionRef{}, fmt.Errorf("layer ARN %q: %w", arn, err)
	}
	v, err := ParseLayerVersion(m[4])
	if err != nil {
		return LayerVersionRef{}, fmt.Errorf("layer ARN %q: %w", arn, err)
	}
	return LayerVersionRef{Region: m[1], Owner: m[2], LayerName: m[3], Version: v}, nil
}

// ParseLayerVersion reads a layer version number: a whole number from 1.
func ParseLayerVersion(s string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 1 || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("layer version %q is invalid: it must be a whole number from 1", s)
	}
	return int32(n), nil
}

// ValidateLayerName checks a layer name (the function-name rule).
func ValidateLayerName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("layer name is empty")
	case len(name) > MaxLayerNameLength:
		return fmt.Errorf("layer name %q is %d characters long, at most %d are allowed", name, len(name), MaxLayerNameLength)
	case !nameRE.MatchString(name):
		return fmt.Errorf("layer name %q must start with a letter or _ and contain only letters, digits, _ and -", name)
	}
	return nil
}

func layerPath(layer string) string { return "/layers/" + esc(layer) }

func layerVersionPath(layer string, version int32) string {
	return layerPath(layer) + "/versions/" + strconv.FormatInt(int64(version), 10)
}

func checkVersionArg(op, layer string, version int32) error {
	if version < 1 {
		return fmt.Errorf("fc: %s layer %s: version %d is invalid: layer versions start at 1", op, layer, version)
	}
	return nil
}

// layerCodeBytes is the decoded size of inline code an input uploads.
func layerCodeBytes(in *PublishLayerVersionInput) int64 {
	if in.Code == nil {
		return 0
	}
	return codeSize(&FunctionInput{Code: in.Code})
}

// PublishLayerVersion publishes a new version of a layer (creating the
// layer with version 1). Versions are immutable: new content is a new version.
func (c *Client) PublishLayerVersion(ctx context.Context, layer string, in PublishLayerVersionInput) (*Layer, error) {
	in.LayerName = layer
	var out Layer
	etag, err := c.sendJSON(ctx, &call{op: "PublishLayerVersion", subject: "layer " + layer, method: http.MethodPost, path: layerPath(layer) + "/versions", codeBytes: layerCodeBytes(&in)}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetLayerVersion reads one version of a layer; Code.Location downloads its zip.
func (c *Client) GetLayerVersion(ctx context.Context, layer string, version int32) (*Layer, error) {
	if err := checkVersionArg("GetLayerVersion", layer, version); err != nil {
		return nil, err
	}
	var out Layer
	etag, err := c.sendJSON(ctx, &call{op: "GetLayerVersion", subject: fmt.Sprintf("layer %s version %d", layer, version), method: http.MethodGet, path: layerVersionPath(layer, version)}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetLayerVersionByArn reads the layer version an ARN names.
func (c *Client) GetLayerVersionByArn(ctx context.Context, arn string) (*Layer, error) {
	var out Layer
	// The ARN is one path segment: its ':' and '/' are escaped.
	path := "/layerarn/" + strings.ReplaceAll(url.PathEscape(arn), ":", "%3A")
	etag, err := c.sendJSON(ctx, &call{op: "GetLayerVersionByArn", subject: "layer " + arn, method: http.MethodGet, path: path}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// DeleteLayerVersion deletes one version of a layer. Its number is never
// given to another version.
func (c *Client) DeleteLayerVersion(ctx context.Context, layer string, version int32) error {
	if err := checkVersionArg("DeleteLayerVersion", layer, version); err != nil {
		return err
	}
	_, err := c.sendJSON(ctx, &call{op: "DeleteLayerVersion", subject: fmt.Sprintf("layer %s version %d", layer, version), method: http.MethodDelete, path: layerVersionPath(layer, version)}, nil, nil)
	return err
}

// ListLayers reads one page of layers, each as its newest version.
func (c *Client) ListLayers(ctx context.Context, opt ListLayersOptions) (*ListLayersOutput, error) {
	q := listQuery(opt.ListOptions)
	if opt.Public {
		q.Set("public", "true")
	}
	if opt.Official {
		q.Set("official", "true")
	}
	var out ListLayersOutput
	_, err := c.sendJSON(ctx, &call{op: "ListLayers", subject: "layers", method: http.MethodGet, path: "/layers", query: q}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllLayers walks every page of the account's layers whose names start
// with prefix.
func (c *Client) ListAllLayers(ctx context.Context, prefix string) ([]Layer, error) {
	return walk(func(token string) ([]Layer, string, error) {
		out, err := c.ListLayers(ctx, ListLayersOptions{ListOptions: ListOptions{Limit: MaxListLimit, Prefix: prefix, NextToken: token}})
		if err != nil {
			return nil, "", err
		}
		return out.Layers, out.NextToken, nil
	})
}

// ListLayerVersions reads one page of a layer's versions, oldest first.
func (c *Client) ListLayerVersions(ctx context.Context, layer string, opt ListLayerVersionsOptions) (*ListLayerVersionsOutput, error) {
	start := opt.StartVersion
	if start < 1 {
		start = 1 // the Go SDK always sends it and the server requires > 0
	}
	q := url.Values{"startVersion": {strconv.FormatInt(int64(start), 10)}}
	if opt.Limit > 0 {
		q.Set("limit", strconv.Itoa(opt.Limit))
	}
	var out ListLayerVersionsOutput
	_, err := c.sendJSON(ctx, &call{op: "ListLayerVersions", subject: "layer " + layer, method: http.MethodGet, path: layerPath(layer) + "/versions", query: q}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllLayerVersions walks every version of a layer, oldest first.
func (c *Client) ListAllLayerVersions(ctx context.Context, layer string) ([]Layer, error) {
	var all []Layer
	next := int32(1)
	for {
		out, err := c.ListLayerVersions(ctx, layer, ListLayerVersionsOptions{StartVersion: next, Limit: MaxListLimit})
		if err != nil {
			return nil, err
		}
		all = append(all, out.Layers...)
		if out.NextVersion <= next {
			// 0 ends the list; a number that does not advance would loop.
			return all, nil
		}
		next = out.NextVersion
	}
}

// PutLayerACL makes every version of a layer public (readable by other
// accounts by ARN) or private.
func (c *Client) PutLayerACL(ctx context.Context, layer string, public bool) error {
	q := url.Values{"public": {strconv.FormatBool(public)}}
	_, err := c.sendJSON(ctx, &call{op: "PutLayerACL", subject: "layer " + layer, method: http.MethodPut, path: layerPath(layer) + "/acl", query: q}, nil, nil)
	return err
}

// DownloadLayerCode fetches a layer version's zip from Code.Location and
// checks it against CodeChecksum.
func (c *Client) DownloadLayerCode(ctx context.Context, l *Layer) ([]byte, error) {
	if l.Code.Location == "" {
		return nil, fmt.Errorf("fc: DownloadLayerCode layer %s version %d: the layer carries no code location; read it with GetLayerVersion", l.LayerName, l.Version)
	}
	return c.DownloadCode(ctx, &FunctionCode{URL: l.Code.Location, Checksum: l.CodeChecksum})
}
