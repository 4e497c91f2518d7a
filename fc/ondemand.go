package fc

import (
	"context"
	"net/http"
)

// On-demand config (reference section 7.2): the most instances a function,
// as of a qualifier, may run on demand.

// Limits of on-demand configs: 0 allows no on-demand instance; the upper
// bound is the default account concurrency limit (FC docs, OnDemandConfig).
const (
	MinOnDemandInstanceCount = 0
	MaxOnDemandInstanceCount = 300
)

// OnDemandConfigInput is the body of PutOnDemandConfig.
type OnDemandConfigInput struct {
	MaximumInstanceCount int64 `json:"maximumInstanceCount"`
}

// OnDemandConfig is an on-demand config; Resource is
// services/{service}.{qualifier}/functions/{function}.
type OnDemandConfig struct {
	Resource             string `json:"resource"`
	MaximumInstanceCount int64  `json:"maximumInstanceCount"`
	ETag                 string `json:"-"`
}

// ListOnDemandConfigsOutput is the body of ListOnDemandConfigs.
type ListOnDemandConfigsOutput struct {
	Configs   []OnDemandConfig `json:"configs"`
	NextToken string           `json:"nextToken,omitempty"`
}

// OnDemandResource is the resource string of an on-demand config.
func OnDemandResource(service, qualifier, function string) string {
	return "services/" + service + "." + qualifier + "/functions/" + function
}

func onDemandPath(service, qualifier, function string) string {
	return functionPath(service, qualifier, function) + "/on-demand-config"
}

// PutOnDemandConfig sets a function's on-demand instance cap as of
// qualifier; ifMatch guards the config's ETag when not "".
func (c *Client) PutOnDemandConfig(ctx context.Context, service, qualifier, function string, in OnDemandConfigInput, ifMatch string) (*OnDemandConfig, error) {
	if err := requireQualifier("PutOnDemandConfig", service, function, qualifier); err != nil {
		return nil, err
	}
	var out OnDemandConfig
	etag, err := c.sendJSON(ctx, &call{op: "PutOnDemandConfig", subject: "function " + qualified(service, qualifier) + "/" + function, method: http.MethodPut, path: onDemandPath(service, qualifier, function), ifMatch: ifMatch}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetOnDemandConfig reads an on-demand config.
func (c *Client) GetOnDemandConfig(ctx context.Context, service, qualifier, function string) (*OnDemandConfig, error) {
	if err := requireQualifier("GetOnDemandConfig", service, function, qualifier); err != nil {
		return nil, err
	}
	var out OnDemandConfig
	etag, err := c.sendJSON(ctx, &call{op: "GetOnDemandConfig", subject: "function " + qualified(service, qualifier) + "/" + function, method: http.MethodGet, path: onDemandPath(service, qualifier, function)}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// DeleteOnDemandConfig removes an on-demand config; ifMatch guards it when not "".
func (c *Client) DeleteOnDemandConfig(ctx context.Context, service, qualifier, function, ifMatch string) error {
	if err := requireQualifier("DeleteOnDemandConfig", service, function, qualifier); err != nil {
		return err
	}
	_, err := c.sendJSON(ctx, &call{op: "DeleteOnDemandConfig", subject: "function " + qualified(service, qualifier) + "/" + function, method: http.MethodDelete, path: onDemandPath(service, qualifier, function), ifMatch: ifMatch}, nil, nil)
	return err
}

// ListOnDemandConfigs reads one page of on-demand configs; Prefix and
// StartKey apply to the resource string.
func (c *Client) ListOnDemandConfigs(ctx context.Context, opt ListOptions) (*ListOnDemandConfigsOutput, error) {
	var out ListOnDemandConfigsOutput
	_, err := c.sendJSON(ctx, &call{op: "ListOnDemandConfigs", subject: "on-demand configs", method: http.MethodGet, path: "/on-demand-configs", query: listQuery(opt)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllOnDemandConfigs walks every page of on-demand configs whose
// resource starts with prefix.
func (c *Client) ListAllOnDemandConfigs(ctx context.Context, prefix string) ([]OnDemandConfig, error) {
	return walk(func(token string) ([]OnDemandConfig, string, error) {
		out, err := c.ListOnDemandConfigs(ctx, ListOptions{Limit: MaxListLimit, Prefix: prefix, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.Configs, out.NextToken, nil
	})
}
