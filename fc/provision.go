package fc

import (
	"context"
	"fmt"
	"net/http"
)

// Provision config (reference section 7.1): how many instances of a
// function, as of an alias, are kept ready.

// Limits of provision configs: target 0 releases every instance.
const (
	MinProvisionTarget = 0
	MaxProvisionTarget = 100000
)

// ProvisionConfigInput is the body of PutProvisionConfig.
type ProvisionConfigInput struct {
	Target int64 `json:"target"`
}

// ProvisionConfig is the answer of Put/GetProvisionConfig. Resource is
// {accountId}#{service}#{alias}#{function}; Current is how many instances
// are ready now.
type ProvisionConfig struct {
	Resource string `json:"resource"`
	Target   int64  `json:"target"`
	Current  int64  `json:"current"`
	ETag     string `json:"-"`
}

// ListProvisionConfigsOptions are the query of ListProvisionConfigs;
// Qualifier is only meaningful with ServiceName.
type ListProvisionConfigsOptions struct {
	ServiceName string
	Qualifier   string
	Limit       int
	NextToken   string
}

// ListProvisionConfigsOutput is the body of ListProvisionConfigs.
type ListProvisionConfigsOutput struct {
	ProvisionConfigs []ProvisionConfig `json:"provisionConfigs"`
	NextToken        string            `json:"nextToken,omitempty"`
}

// ProvisionResource is the resource string of a provision config.
func ProvisionResource(account, service, alias, function string) string {
	return account + "#" + service + "#" + alias + "#" + function
}

func provisionPath(service, alias, function string) string {
	return functionPath(service, alias, function) + "/provision-config"
}

func requireQualifier(op, service, function, qualifier string) error {
	if qualifier == "" {
		return fmt.Errorf("fc: %s function %s/%s: a qualifier is required (an alias name)", op, service, function)
	}
	return nil
}

// PutProvisionConfig sets how many instances of a function, as of an
// alias, are kept ready; ifMatch guards the config's ETag when not "".
func (c *Client) PutProvisionConfig(ctx context.Context, service, alias, function string, in ProvisionConfigInput, ifMatch string) (*ProvisionConfig, error) {
	if err := requireQualifier("PutProvisionConfig", service, function, alias); err != nil {
		return nil, err
	}
	var out ProvisionConfig
	etag, err := c.sendJSON(ctx, &call{op: "PutProvisionConfig", subject: "function " + qualified(service, alias) + "/" + function, method: http.MethodPut, path: provisionPath(service, alias, function), ifMatch: ifMatch}, in, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// GetProvisionConfig reads a provision config; one never set reads as target 0.
func (c *Client) GetProvisionConfig(ctx context.Context, service, alias, function string) (*ProvisionConfig, error) {
	if err := requireQualifier("GetProvisionConfig", service, function, alias); err != nil {
		return nil, err
	}
	var out ProvisionConfig
	etag, err := c.sendJSON(ctx, &call{op: "GetProvisionConfig", subject: "function " + qualified(service, alias) + "/" + function, method: http.MethodGet, path: provisionPath(service, alias, function)}, nil, &out)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return &out, nil
}

// ListProvisionConfigs reads one page of the account's provision configs.
func (c *Client) ListProvisionConfigs(ctx context.Context, opt ListProvisionConfigsOptions) (*ListProvisionConfigsOutput, error) {
	q := listQuery(ListOptions{Limit: opt.Limit, NextToken: opt.NextToken})
	if opt.ServiceName != "" {
		q.Set("serviceName", opt.ServiceName)
	}
	if opt.Qualifier != "" {
		q.Set("qualifier", opt.Qualifier)
	}
	var out ListProvisionConfigsOutput
	_, err := c.sendJSON(ctx, &call{op: "ListProvisionConfigs", subject: "provision configs", method: http.MethodGet, path: "/provision-configs", query: q}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllProvisionConfigs walks every page of provision configs, of one
// service (and alias) when given.
func (c *Client) ListAllProvisionConfigs(ctx context.Context, service, alias string) ([]ProvisionConfig, error) {
	return walk(func(token string) ([]ProvisionConfig, string, error) {
		out, err := c.ListProvisionConfigs(ctx, ListProvisionConfigsOptions{ServiceName: service, Qualifier: alias, Limit: MaxListLimit, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.ProvisionConfigs, out.NextToken, nil
	})
}
