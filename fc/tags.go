package fc

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
)

// Tags (reference section 7.3): key-value labels on services.

// Limits of tags. The count per request is the reference's; key and value
// lengths are Alibaba Cloud's tag rules.
const (
	MaxTagsPerRequest = 20
	MaxTagsPerService = 20
	MaxTagKeyLength   = 128
	MaxTagValueLength = 256
)

// ListServicesTagPrefix prefixes the ListServices query parameters that
// filter by tag: tag_{key}={value}.
const ListServicesTagPrefix = "tag_"

// TagResourceInput is the body of TagResource.
type TagResourceInput struct {
	ResourceARN string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

// UntagResourceInput is the body of UntagResource: TagKeys may be empty
// only when All is true.
type UntagResourceInput struct {
	ResourceARN string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
	All         bool     `json:"all"`
}

// ResourceTags is the answer of GetResourceTags.
type ResourceTags struct {
	ResourceARN string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

// ServiceARN is the full ARN of a service, what tags are attached to.
func ServiceARN(region, account, service string) string {
	return "acs:fc:" + region + ":" + account + ":services/" + service
}

var serviceARNRE = regexp.MustCompile(`^(?:acs:fc:([a-z0-9-]*):([A-Za-z0-9_-]*):)?services/([^/]+)$`)

// ServiceARNRef is what a service resource ARN names; Region and AccountID
// are "" for the partial form services/{name}.
type ServiceARNRef struct {
	Region, AccountID, ServiceName string
}

// ParseServiceARN reads a full (acs:fc:REGION:ACCOUNT:services/NAME) or
// partial (services/NAME) service ARN, the only resources tags take.
func ParseServiceARN(arn string) (ServiceARNRef, error) {
	m := serviceARNRE.FindStringSubmatch(arn)
	if m == nil {
		return ServiceARNRef{}, fmt.Errorf("resourceArn %q is not a service ARN: use acs:fc:REGION:ACCOUNT:services/NAME or services/NAME (only services take tags)", arn)
	}
	if err := ValidateName("service", m[3]); err != nil {
		return ServiceARNRef{}, fmt.Errorf("resourceArn %q: %w", arn, err)
	}
	return ServiceARNRef{Region: m[1], AccountID: m[2], ServiceName: m[3]}, nil
}

// ValidateTags checks the tags of one TagResource call.
func ValidateTags(tags map[string]string) error {
	if len(tags) == 0 {
		return fmt.Errorf("tags is empty: give 1 to %d tags", MaxTagsPerRequest)
	}
	if len(tags) > MaxTagsPerRequest {
		return fmt.Errorf("%d tags are given, at most %d are allowed per request", len(tags), MaxTagsPerRequest)
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := validateTagKey(k); err != nil {
			return err
		}
		if v := tags[k]; len(v) > MaxTagValueLength {
			return fmt.Errorf("tag %q: value is %d characters long, at most %d are allowed", k, len(v), MaxTagValueLength)
		}
	}
	return nil
}

// ValidateUntag checks the body of one UntagResource call.
func ValidateUntag(in UntagResourceInput) error {
	if len(in.TagKeys) == 0 && !in.All {
		return fmt.Errorf("tagKeys is empty: name 1 to %d tag keys, or set all to true", MaxTagsPerRequest)
	}
	if len(in.TagKeys) > MaxTagsPerRequest {
		return fmt.Errorf("%d tag keys are given, at most %d are allowed per request", len(in.TagKeys), MaxTagsPerRequest)
	}
	for _, k := range in.TagKeys {
		if err := validateTagKey(k); err != nil {
			return err
		}
	}
	return nil
}

func validateTagKey(k string) error {
	switch {
	case k == "":
		return fmt.Errorf("a tag key is empty; tag keys are required")
	case len(k) > MaxTagKeyLength:
		return fmt.Errorf("tag key %q is %d characters long, at most %d are allowed", k, len(k), MaxTagKeyLength)
	}
	return nil
}

// TagResource adds tags to a service (a tag already there takes the new value).
func (c *Client) TagResource(ctx context.Context, in TagResourceInput) error {
	_, err := c.sendJSON(ctx, &call{op: "TagResource", subject: in.ResourceARN, method: http.MethodPost, path: "/tag"}, in, nil)
	return err
}

// UntagResource removes tags from a service: the keys named, or all of them.
// Like every SDK it sends DELETE with a JSON body.
func (c *Client) UntagResource(ctx context.Context, in UntagResourceInput) error {
	if in.TagKeys == nil {
		in.TagKeys = []string{}
	}
	_, err := c.sendJSON(ctx, &call{op: "UntagResource", subject: in.ResourceARN, method: http.MethodDelete, path: "/tag"}, in, nil)
	return err
}

// GetResourceTags reads the tags of a service.
func (c *Client) GetResourceTags(ctx context.Context, resourceARN string) (*ResourceTags, error) {
	var out ResourceTags
	_, err := c.sendJSON(ctx, &call{op: "GetResourceTags", subject: resourceARN, method: http.MethodGet, path: "/tag", query: url.Values{"resourceArn": {resourceARN}}}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListServicesByTags reads one page of the services that carry every one of
// tags (same key and value).
func (c *Client) ListServicesByTags(ctx context.Context, opt ListOptions, tags map[string]string) (*ListServicesOutput, error) {
	q := listQuery(opt)
	for k, v := range tags {
		q.Set(ListServicesTagPrefix+k, v)
	}
	var out ListServicesOutput
	_, err := c.sendJSON(ctx, &call{op: "ListServices", subject: "services", method: http.MethodGet, path: "/services", query: q}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllServicesByTags walks every page of the services whose names start
// with prefix and that carry every one of tags; fcdeploy finds the services
// of a project by its fcdeploy:project tag this way.
func (c *Client) ListAllServicesByTags(ctx context.Context, prefix string, tags map[string]string) ([]Service, error) {
	return walk(func(token string) ([]Service, string, error) {
		out, err := c.ListServicesByTags(ctx, ListOptions{Limit: MaxListLimit, Prefix: prefix, NextToken: token}, tags)
		if err != nil {
			return nil, "", err
		}
		return out.Services, out.NextToken, nil
	})
}
