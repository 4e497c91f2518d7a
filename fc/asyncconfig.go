package fc

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Function async invoke config (fc-api-2016-08-15-current.md, section 6.1):
// per (service, qualifier, function), how often a failed asynchronous
// invocation is retried, how old a queued event may get, and where the
// outcome is delivered.

// CodeAsyncConfigNotExists is the 404 of GetFunctionAsyncInvokeConfig when the
// function has no config for that qualifier.
const CodeAsyncConfigNotExists = "AsyncConfigNotExists"

// CodeDestinationDeliveryFailed says an async destination was not reachable.
const CodeDestinationDeliveryFailed = "DestinationDeliveryFailed"

func init() {
	registerCodes(map[string]int{
		CodeAsyncConfigNotExists:      http.StatusNotFound,
		CodeDestinationDeliveryFailed: http.StatusInternalServerError,
	})
}

// Limits and defaults of an async invoke config (the FC API reference of
// PutAsyncInvokeConfig: retries 0-8, default 3; event age 1-604800 s,
// default 86400 s).
const (
	MinAsyncRetryAttempts       = 0
	MaxAsyncRetryAttempts       = 8
	DefaultAsyncRetryAttempts   = 3
	MinAsyncEventAgeSeconds     = 1
	MaxAsyncEventAgeSeconds     = 604800
	DefaultAsyncEventAgeSeconds = 86400
)

// Destination is one side of a destinationConfig: an ARN.
type Destination struct {
	Destination string `json:"destination"`
}

// DestinationConfig says where the outcome of an asynchronous invocation
// goes; either side may be nil.
type DestinationConfig struct {
	OnSuccess *Destination `json:"onSuccess"`
	OnFailure *Destination `json:"onFailure"`
}

// AsyncConfigInput is the body of PutFunctionAsyncInvokeConfig, which
// creates or replaces the whole config: a nil field means its default.
type AsyncConfigInput struct {
	MaxAsyncEventAgeInSeconds *int64             `json:"maxAsyncEventAgeInSeconds,omitempty"`
	MaxAsyncRetryAttempts     *int64             `json:"maxAsyncRetryAttempts,omitempty"`
	DestinationConfig         *DestinationConfig `json:"destinationConfig,omitempty"`
	StatefulInvocation        *bool              `json:"statefulInvocation,omitempty"`
}

// AsyncConfig is an AsyncConfigResponse. Note the names service and
// function, not serviceName and functionName. Numbers not put are null.
type AsyncConfig struct {
	Service                   string            `json:"service"`
	Function                  string            `json:"function"`
	Qualifier                 string            `json:"qualifier"`
	MaxAsyncEventAgeInSeconds *int64            `json:"maxAsyncEventAgeInSeconds"`
	MaxAsyncRetryAttempts     *int64            `json:"maxAsyncRetryAttempts"`
	DestinationConfig         DestinationConfig `json:"destinationConfig"`
	StatefulInvocation        bool              `json:"statefulInvocation"`
	CreatedTime               string            `json:"createdTime"`
	LastModifiedTime          string            `json:"lastModifiedTime"`
}

// RetryAttempts is the number of retries after a failed attempt, the
// default when none was put.
func (a AsyncConfig) RetryAttempts() int {
	if a.MaxAsyncRetryAttempts == nil {
		return DefaultAsyncRetryAttempts
	}
	return int(*a.MaxAsyncRetryAttempts)
}

// EventAgeSeconds is how long a queued event may wait, the default when
// none was put.
func (a AsyncConfig) EventAgeSeconds() int64 {
	if a.MaxAsyncEventAgeInSeconds == nil {
		return DefaultAsyncEventAgeSeconds
	}
	return *a.MaxAsyncEventAgeInSeconds
}

// ListAsyncConfigsOutput is the body of a ListFunctionAsyncInvokeConfigs response.
type ListAsyncConfigsOutput struct {
	Configs   []AsyncConfig `json:"configs"`
	NextToken string        `json:"nextToken,omitempty"`
}

// Destination kinds of DestinationARN.
const (
	DestinationFC          = "fc"
	DestinationMNS         = "mns"
	DestinationEventBridge = "eventbridge"
	DestinationMQ          = "mq"
)

// DestinationARN is a parsed destination. Service, Qualifier and Function
// are set for Kind DestinationFC only.
type DestinationARN struct {
	Kind      string
	Region    string
	AccountID string
	Resource  string // everything after the account
	Service   string
	Qualifier string // "" when the ARN names none (LATEST)
	Function  string
}

var (
	arnRE         = regexp.MustCompile(`^acs:([a-z]+):([a-z0-9-]+):([^:]+):(.+)$`)
	fcResourceRE  = regexp.MustCompile(`^services/([^/.]+)(?:\.([^/]+))?/functions/([^/]+)$`)
	destinationOK = "acs:fc:REGION:ACCOUNT:services/SERVICE[.QUALIFIER]/functions/FUNCTION, or an acs:mns:, acs:eventbridge: or acs:mq: ARN"
)

// ParseDestinationARN reads an async destination. Function destinations
// are checked in full; the other kinds (whose resource formats no SDK
// source confirms) only for their prefix, region and account.
func ParseDestinationARN(arn string) (DestinationARN, error) {
	m := arnRE.FindStringSubmatch(arn)
	if m == nil {
		return DestinationARN{}, fmt.Errorf("destination %q is not an ARN: use %s", arn, destinationOK)
	}
	d := DestinationARN{Kind: m[1], Region: m[2], AccountID: m[3], Resource: m[4]}
	switch d.Kind {
	case DestinationFC:
		fm := fcResourceRE.FindStringSubmatch(d.Resource)
		if fm == nil {
			return DestinationARN{}, fmt.Errorf("destination %q: a function destination is %s", arn, "acs:fc:REGION:ACCOUNT:services/SERVICE[.QUALIFIER]/functions/FUNCTION")
		}
		d.Service, d.Qualifier, d.Function = fm[1], fm[2], fm[3]
		if err := ValidateName("service", d.Service); err != nil {
			return DestinationARN{}, fmt.Errorf("destination %q: %v", arn, err)
		}
		if err := ValidateName("function", d.Function); err != nil {
			return DestinationARN{}, fmt.Errorf("destination %q: %v", arn, err)
		}
		if d.Qualifier != "" {
			if err := checkQualifier(d.Qualifier); err != nil {
				return DestinationARN{}, fmt.Errorf("destination %q: %v", arn, err)
			}
		}
	case DestinationMNS, DestinationEventBridge, DestinationMQ:
	default:
		return DestinationARN{}, fmt.Errorf("destination %q: kind %q cannot receive async results: use %s", arn, d.Kind, destinationOK)
	}
	return d, nil
}

// FunctionARN is the ARN of a function as a destination or in a
// destination record: acs:fc:REGION:ACCOUNT:services/S[.Q]/functions/F.
func FunctionARN(region, account, service, qualifier, function string) string {
	return "acs:fc:" + region + ":" + account + ":services/" + qualified(service, qualifier) + "/functions/" + function
}

// ValidateAsyncConfigInput checks the ranges of an async config and the
// shape of its destination ARNs.
func ValidateAsyncConfigInput(in AsyncConfigInput) error {
	if v := in.MaxAsyncRetryAttempts; v != nil && (*v < MinAsyncRetryAttempts || *v > MaxAsyncRetryAttempts) {
		return fmt.Errorf("maxAsyncRetryAttempts %d is invalid: it must be between %d and %d", *v, MinAsyncRetryAttempts, MaxAsyncRetryAttempts)
	}
	if v := in.MaxAsyncEventAgeInSeconds; v != nil && (*v < MinAsyncEventAgeSeconds || *v > MaxAsyncEventAgeSeconds) {
		return fmt.Errorf("maxAsyncEventAgeInSeconds %d is invalid: it must be between %d and %d seconds", *v, MinAsyncEventAgeSeconds, MaxAsyncEventAgeSeconds)
	}
	if dc := in.DestinationConfig; dc != nil {
		for _, side := range []struct {
			name string
			d    *Destination
		}{{"onSuccess", dc.OnSuccess}, {"onFailure", dc.OnFailure}} {
			name, d := side.name, side.d
			if d == nil {
				continue
			}
			if strings.TrimSpace(d.Destination) == "" {
				return fmt.Errorf("destinationConfig.%s.destination is empty: give an ARN (%s) or leave %s out", name, destinationOK, name)
			}
			if _, err := ParseDestinationARN(d.Destination); err != nil {
				return fmt.Errorf("destinationConfig.%s: %v", name, err)
			}
		}
	}
	return nil
}

func asyncConfigPath(service, qualifier, function string) string {
	return functionPath(service, qualifier, function) + "/async-invoke-config"
}

func asyncConfigSubject(service, qualifier, function string) string {
	return "async invoke config of function " + qualified(service, qualifier) + "/" + function
}

// PutFunctionAsyncInvokeConfig creates or replaces the async config of a
// function as of qualifier ("" for LATEST).
func (c *Client) PutFunctionAsyncInvokeConfig(ctx context.Context, service, qualifier, function string, in AsyncConfigInput) (*AsyncConfig, error) {
	var out AsyncConfig
	_, err := c.sendJSON(ctx, &call{op: "PutFunctionAsyncInvokeConfig", subject: asyncConfigSubject(service, qualifier, function), method: http.MethodPut, path: asyncConfigPath(service, qualifier, function)}, in, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetFunctionAsyncInvokeConfig reads the async config of a function as of
// qualifier ("" for LATEST); a missing one is CodeAsyncConfigNotExists.
func (c *Client) GetFunctionAsyncInvokeConfig(ctx context.Context, service, qualifier, function string) (*AsyncConfig, error) {
	var out AsyncConfig
	_, err := c.sendJSON(ctx, &call{op: "GetFunctionAsyncInvokeConfig", subject: asyncConfigSubject(service, qualifier, function), method: http.MethodGet, path: asyncConfigPath(service, qualifier, function)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteFunctionAsyncInvokeConfig removes the async config of a function
// as of qualifier ("" for LATEST).
func (c *Client) DeleteFunctionAsyncInvokeConfig(ctx context.Context, service, qualifier, function string) error {
	_, err := c.sendJSON(ctx, &call{op: "DeleteFunctionAsyncInvokeConfig", subject: asyncConfigSubject(service, qualifier, function), method: http.MethodDelete, path: asyncConfigPath(service, qualifier, function)}, nil, nil)
	return err
}

// ListFunctionAsyncInvokeConfigs reads one page of a function's async
// configs, one per qualifier.
func (c *Client) ListFunctionAsyncInvokeConfigs(ctx context.Context, service, function string, opt ListOptions) (*ListAsyncConfigsOutput, error) {
	q := listQuery(ListOptions{Limit: opt.Limit, NextToken: opt.NextToken})
	var out ListAsyncConfigsOutput
	_, err := c.sendJSON(ctx, &call{op: "ListFunctionAsyncInvokeConfigs", subject: "function " + service + "/" + function, method: http.MethodGet, path: functionPath(service, "", function) + "/async-invoke-configs", query: q}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllFunctionAsyncInvokeConfigs walks every page of a function's async
// configs.
func (c *Client) ListAllFunctionAsyncInvokeConfigs(ctx context.Context, service, function string) ([]AsyncConfig, error) {
	return walk(func(token string) ([]AsyncConfig, string, error) {
		out, err := c.ListFunctionAsyncInvokeConfigs(ctx, service, function, ListOptions{Limit: MaxListLimit, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.Configs, out.NextToken, nil
	})
}
