package fc

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
)

// The operations of the 2016-08-15 API, one method each.

// CreateService creates a service.
func (c *Client) CreateService(ctx context.Context, in ServiceInput) (*Service, error) {
	var out Service
	etag, err := c.sendJSON(ctx, &call{op: "CreateService", subject: "service " + in.ServiceName, method: http.MethodPost, path: "/services"}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetService reads a service, as of qualifier when not "".
func (c *Client) GetService(ctx context.Context, service, qualifier string) (*Service, error) {
	var out Service
	etag, err := c.sendJSON(ctx, &call{op: "GetService", subject: "service " + service, method: http.MethodGet, path: servicePath(service, qualifier)}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// UpdateService updates a service; ifMatch guards it when not "".
func (c *Client) UpdateService(ctx context.Context, service string, in ServiceInput, ifMatch string) (*Service, error) {
	in.ServiceName = ""
	var out Service
	etag, err := c.sendJSON(ctx, &call{op: "UpdateService", subject: "service " + service, method: http.MethodPut, path: servicePath(service, ""), ifMatch: ifMatch}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// DeleteService deletes an empty service.
func (c *Client) DeleteService(ctx context.Context, service, ifMatch string) error {
	_, err := c.sendJSON(ctx, &call{op: "DeleteService", subject: "service " + service, method: http.MethodDelete, path: servicePath(service, ""), ifMatch: ifMatch}, nil, nil)
	return err
}

// ListServices reads one page of services.
func (c *Client) ListServices(ctx context.Context, opt ListOptions) (*ListServicesOutput, error) {
	var out ListServicesOutput
	_, err := c.sendJSON(ctx, &call{op: "ListServices", subject: "services", method: http.MethodGet, path: "/services", query: listQuery(opt)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllServices walks every page of services whose names start with prefix.
func (c *Client) ListAllServices(ctx context.Context, prefix string) ([]Service, error) {
	return walk(func(token string) ([]Service, string, error) {
		out, err := c.ListServices(ctx, ListOptions{Limit: MaxListLimit, Prefix: prefix, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.Services, out.NextToken, nil
	})
}

// walk collects pages until the server stops answering a nextToken.
func walk[T any](page func(token string) ([]T, string, error)) ([]T, error) {
	var all []T
	token := ""
	for {
		items, next, err := page(token)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == "" || next == token {
			return all, nil
		}
		token = next
	}
}

func functionPath(service, qualifier, function string) string {
	return servicePath(service, qualifier) + "/functions/" + esc(function)
}

// codeSize is the decoded size of inline code a function input uploads.
func codeSize(in *FunctionInput) int64 {
	if in.Code == nil || in.Code.ZipFile == "" {
		return 0
	}
	return int64(base64.StdEncoding.DecodedLen(len(in.Code.ZipFile)))
}

// CreateFunction creates a function in a service.
func (c *Client) CreateFunction(ctx context.Context, service string, in FunctionInput) (*Function, error) {
	var out Function
	etag, err := c.sendJSON(ctx, &call{op: "CreateFunction", subject: "function " + service + "/" + in.FunctionName, method: http.MethodPost, path: servicePath(service, "") + "/functions", codeBytes: codeSize(&in)}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetFunction reads a function, as of qualifier when not "".
func (c *Client) GetFunction(ctx context.Context, service, qualifier, function string) (*Function, error) {
	var out Function
	etag, err := c.sendJSON(ctx, &call{op: "GetFunction", subject: "function " + service + "/" + function, method: http.MethodGet, path: functionPath(service, qualifier, function)}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// UpdateFunction updates a function; code is sent only when in.Code is set.
func (c *Client) UpdateFunction(ctx context.Context, service, function string, in FunctionInput, ifMatch string) (*Function, error) {
	in.FunctionName = ""
	var out Function
	etag, err := c.sendJSON(ctx, &call{op: "UpdateFunction", subject: "function " + service + "/" + function, method: http.MethodPut, path: functionPath(service, "", function), ifMatch: ifMatch, codeBytes: codeSize(&in)}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// DeleteFunction deletes a function without triggers.
func (c *Client) DeleteFunction(ctx context.Context, service, function, ifMatch string) error {
	_, err := c.sendJSON(ctx, &call{op: "DeleteFunction", subject: "function " + service + "/" + function, method: http.MethodDelete, path: functionPath(service, "", function), ifMatch: ifMatch}, nil, nil)
	return err
}

// ListFunctions reads one page of a service's functions.
func (c *Client) ListFunctions(ctx context.Context, service, qualifier string, opt ListOptions) (*ListFunctionsOutput, error) {
	var out ListFunctionsOutput
	_, err := c.sendJSON(ctx, &call{op: "ListFunctions", subject: "service " + service, method: http.MethodGet, path: servicePath(service, qualifier) + "/functions", query: listQuery(opt)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllFunctions walks every page of a service's functions.
func (c *Client) ListAllFunctions(ctx context.Context, service, qualifier string) ([]Function, error) {
	return walk(func(token string) ([]Function, string, error) {
		out, err := c.ListFunctions(ctx, service, qualifier, ListOptions{Limit: MaxListLimit, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.Functions, out.NextToken, nil
	})
}

// GetFunctionCode returns where to download a function's zip and its checksum.
func (c *Client) GetFunctionCode(ctx context.Context, service, qualifier, function string) (*FunctionCode, error) {
	var out FunctionCode
	_, err := c.sendJSON(ctx, &call{op: "GetFunctionCode", subject: "function " + service + "/" + function, method: http.MethodGet, path: functionPath(service, qualifier, function) + "/code"}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DownloadCode fetches the zip at code.URL (a pre-signed URL: it is not
// signed again) and checks it against code.Checksum.
func (c *Client) DownloadCode(ctx context.Context, code *FunctionCode) ([]byte, error) {
	res, err := c.do(ctx, &call{op: "DownloadCode", subject: redactQuery(code.URL), method: http.MethodGet, rawURL: code.URL, unsigned: true})
	if err != nil {
		return nil, err
	}
	if got := CodeChecksum(res.body); code.Checksum != "" && got != code.Checksum {
		return nil, fmt.Errorf("fc: DownloadCode: the downloaded code has checksum %s, Function Compute announced %s", got, code.Checksum)
	}
	return res.body, nil
}

// redactQuery drops a URL's query: pre-signed URLs carry credentials there.
func redactQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the code URL"
	}
	u.RawQuery = ""
	return u.String()
}

// InvokeOptions tune InvokeFunction.
type InvokeOptions struct {
	Async   bool
	LogTail bool
	Headers http.Header
}

// InvokeOutput is what an invocation answered. A function that failed is
// not a Go error: ErrorType says so and Body holds the error.
type InvokeOutput struct {
	StatusCode   int
	Body         []byte
	RequestID    string
	ErrorType    string
	CodeChecksum string
	Log          string
}

// InvokeFunction runs a function with event as its raw input.
func (c *Client) InvokeFunction(ctx context.Context, service, qualifier, function string, event []byte, opt InvokeOptions) (*InvokeOutput, error) {
	h := http.Header{}
	for k, vs := range opt.Headers {
		h[k] = vs
	}
	if opt.Async {
		h.Set(HeaderInvocationType, InvocationAsync)
	} else {
		h.Set(HeaderInvocationType, InvocationSync)
	}
	if opt.LogTail {
		h.Set(HeaderLogType, LogTypeTail)
	}
	if event == nil {
		event = []byte{}
	}
	resp, err := c.do(ctx, &call{
		op: "InvokeFunction", subject: "function " + qualified(service, qualifier) + "/" + function, method: http.MethodPost,
		path: functionPath(service, qualifier, function) + "/invocations", body: event,
		ctype: "application/octet-stream", header: h,
	})
	if err != nil {
		return nil, err
	}
	out := &InvokeOutput{
		StatusCode: resp.status, Body: resp.body,
		RequestID:    resp.header.Get(HeaderRequestID),
		ErrorType:    resp.header.Get(HeaderErrorType),
		CodeChecksum: resp.header.Get(HeaderCodeChecksum),
	}
	if l := resp.header.Get(HeaderLogResult); l != "" {
		if b, err := base64.StdEncoding.DecodeString(l); err == nil {
			out.Log = string(b)
		}
	}
	return out, nil
}

func triggerPath(service, function, trigger string) string {
	return functionPath(service, "", function) + "/triggers/" + esc(trigger)
}

// CreateTrigger creates a trigger of a function.
func (c *Client) CreateTrigger(ctx context.Context, service, function string, in TriggerInput) (*Trigger, error) {
	var out Trigger
	etag, err := c.sendJSON(ctx, &call{op: "CreateTrigger", subject: "trigger " + service + "/" + function + "/" + in.TriggerName, method: http.MethodPost, path: functionPath(service, "", function) + "/triggers"}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetTrigger reads a trigger.
func (c *Client) GetTrigger(ctx context.Context, service, function, trigger string) (*Trigger, error) {
	var out Trigger
	etag, err := c.sendJSON(ctx, &call{op: "GetTrigger", subject: "trigger " + service + "/" + function + "/" + trigger, method: http.MethodGet, path: triggerPath(service, function, trigger)}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// UpdateTrigger updates a trigger.
func (c *Client) UpdateTrigger(ctx context.Context, service, function, trigger string, in TriggerInput, ifMatch string) (*Trigger, error) {
	in.TriggerName = ""
	var out Trigger
	etag, err := c.sendJSON(ctx, &call{op: "UpdateTrigger", subject: "trigger " + service + "/" + function + "/" + trigger, method: http.MethodPut, path: triggerPath(service, function, trigger), ifMatch: ifMatch}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// DeleteTrigger deletes a trigger.
func (c *Client) DeleteTrigger(ctx context.Context, service, function, trigger, ifMatch string) error {
	_, err := c.sendJSON(ctx, &call{op: "DeleteTrigger", subject: "trigger " + service + "/" + function + "/" + trigger, method: http.MethodDelete, path: triggerPath(service, function, trigger), ifMatch: ifMatch}, nil, nil)
	return err
}

// ListTriggers reads one page of a function's triggers.
func (c *Client) ListTriggers(ctx context.Context, service, function string, opt ListOptions) (*ListTriggersOutput, error) {
	var out ListTriggersOutput
	_, err := c.sendJSON(ctx, &call{op: "ListTriggers", subject: "function " + service + "/" + function, method: http.MethodGet, path: functionPath(service, "", function) + "/triggers", query: listQuery(opt)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllTriggers walks every page of a function's triggers.
func (c *Client) ListAllTriggers(ctx context.Context, service, function string) ([]Trigger, error) {
	return walk(func(token string) ([]Trigger, string, error) {
		out, err := c.ListTriggers(ctx, service, function, ListOptions{Limit: MaxListLimit, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.Triggers, out.NextToken, nil
	})
}

// PublishVersion publishes a version of a service; ifMatch guards the
// service's ETag.
func (c *Client) PublishVersion(ctx context.Context, service, description, ifMatch string) (*Version, error) {
	var out Version
	etag, err := c.sendJSON(ctx, &call{op: "PublishVersion", subject: "service " + service, method: http.MethodPost, path: servicePath(service, "") + "/versions", ifMatch: ifMatch}, PublishVersionInput{Description: description}, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// ListVersions reads one page of a service's versions.
func (c *Client) ListVersions(ctx context.Context, service string, opt ListVersionsOptions) (*ListVersionsOutput, error) {
	q := listQuery(ListOptions{Limit: opt.Limit, NextToken: opt.NextToken, StartKey: opt.StartKey})
	if opt.Direction != "" {
		q.Set("direction", opt.Direction)
	}
	var out ListVersionsOutput
	_, err := c.sendJSON(ctx, &call{op: "ListVersions", subject: "service " + service, method: http.MethodGet, path: servicePath(service, "") + "/versions", query: q}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllVersions walks every version of a service, newest first.
func (c *Client) ListAllVersions(ctx context.Context, service string) ([]Version, error) {
	return walk(func(token string) ([]Version, string, error) {
		out, err := c.ListVersions(ctx, service, ListVersionsOptions{Limit: MaxListLimit, NextToken: token, Direction: DirectionBackward})
		if err != nil {
			return nil, "", err
		}
		return out.Versions, out.NextToken, nil
	})
}

// DeleteVersion deletes a version that no alias routes traffic to.
func (c *Client) DeleteVersion(ctx context.Context, service, versionID string) error {
	_, err := c.sendJSON(ctx, &call{op: "DeleteVersion", subject: "version " + service + "/" + versionID, method: http.MethodDelete, path: servicePath(service, "") + "/versions/" + esc(versionID)}, nil, nil)
	return err
}

func aliasPath(service, alias string) string {
	return servicePath(service, "") + "/aliases/" + esc(alias)
}

// CreateAlias creates an alias of a service.
func (c *Client) CreateAlias(ctx context.Context, service string, in AliasInput) (*Alias, error) {
	var out Alias
	etag, err := c.sendJSON(ctx, &call{op: "CreateAlias", subject: "alias " + service + "/" + in.AliasName, method: http.MethodPost, path: servicePath(service, "") + "/aliases"}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetAlias reads an alias.
func (c *Client) GetAlias(ctx context.Context, service, alias string) (*Alias, error) {
	var out Alias
	etag, err := c.sendJSON(ctx, &call{op: "GetAlias", subject: "alias " + service + "/" + alias, method: http.MethodGet, path: aliasPath(service, alias)}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// UpdateAlias updates an alias.
func (c *Client) UpdateAlias(ctx context.Context, service, alias string, in AliasInput, ifMatch string) (*Alias, error) {
	in.AliasName = ""
	var out Alias
	etag, err := c.sendJSON(ctx, &call{op: "UpdateAlias", subject: "alias " + service + "/" + alias, method: http.MethodPut, path: aliasPath(service, alias), ifMatch: ifMatch}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// DeleteAlias deletes an alias.
func (c *Client) DeleteAlias(ctx context.Context, service, alias, ifMatch string) error {
	_, err := c.sendJSON(ctx, &call{op: "DeleteAlias", subject: "alias " + service + "/" + alias, method: http.MethodDelete, path: aliasPath(service, alias), ifMatch: ifMatch}, nil, nil)
	return err
}

// ListAliases reads one page of a service's aliases.
func (c *Client) ListAliases(ctx context.Context, service string, opt ListOptions) (*ListAliasesOutput, error) {
	var out ListAliasesOutput
	_, err := c.sendJSON(ctx, &call{op: "ListAliases", subject: "service " + service, method: http.MethodGet, path: servicePath(service, "") + "/aliases", query: listQuery(opt)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllAliases walks every page of a service's aliases.
func (c *Client) ListAllAliases(ctx context.Context, service string) ([]Alias, error) {
	return walk(func(token string) ([]Alias, string, error) {
		out, err := c.ListAliases(ctx, service, ListOptions{Limit: MaxListLimit, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.Aliases, out.NextToken, nil
	})
}
