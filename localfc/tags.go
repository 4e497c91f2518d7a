package localfc

import (
	"context"
	"net/url"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// Tags (reference section 7.3): services only, named by full or partial ARN.

// tagService reads the service a resourceArn names, refusing another
// account's ARN (accounts are namespaces).
func tagService(c *call, arn string) (string, error) {
	if arn == "" {
		return "", invalid("resourceArn is required: acs:fc:REGION:ACCOUNT:services/NAME or services/NAME")
	}
	ref, err := fc.ParseServiceARN(arn)
	if err != nil {
		return "", invalid("%v", err)
	}
	if ref.AccountID != "" && ref.AccountID != c.account {
		return "", fc.NewError(fc.CodeAccessDenied, "resourceArn %s names account %s; this request is for account %s", arn, ref.AccountID, c.account)
	}
	return ref.ServiceName, nil
}

// tagReply is the body of Tag/UntagResource: Python parses a JSON body.
type tagReply struct {
	RequestID string `json:"requestId"`
}

func tagResource(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.TagResourceInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	service, err := tagService(c, in.ResourceARN)
	if err != nil {
		return response{}, err
	}
	if err := fc.ValidateTags(in.Tags); err != nil {
		return response{}, invalid("TagResource %s: %v", in.ResourceARN, err)
	}
	if err := s.store.TagService(ctx, c.account, service, in.Tags); err != nil {
		return response{}, err
	}
	return jsonOK(tagReply{RequestID: c.reqID}, ""), nil
}

// untagResource reads its JSON body from a DELETE, as every SDK sends it.
func untagResource(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.UntagResourceInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	service, err := tagService(c, in.ResourceARN)
	if err != nil {
		return response{}, err
	}
	if err := fc.ValidateUntag(in); err != nil {
		return response{}, invalid("UntagResource %s: %v", in.ResourceARN, err)
	}
	if err := s.store.UntagService(ctx, c.account, service, in.TagKeys, in.All); err != nil {
		return response{}, err
	}
	return jsonOK(tagReply{RequestID: c.reqID}, ""), nil
}

func getResourceTags(ctx context.Context, s *Server, c *call) (response, error) {
	arn := c.r.URL.Query().Get("resourceArn")
	service, err := tagService(c, arn)
	if err != nil {
		return response{}, err
	}
	tags, err := s.store.GetServiceTags(ctx, c.account, service)
	if err != nil {
		return response{}, err
	}
	return jsonOK(fc.ResourceTags{ResourceARN: arn, Tags: tags}, ""), nil
}

// tagFilter reads the tag_{key}={value} parameters of ListServices (every
// SDK uses the tag_ prefix); a service matches when it carries them all.
func tagFilter(q url.Values) map[string]string {
	var tags map[string]string
	for k, vs := range q {
		key, ok := strings.CutPrefix(k, fc.ListServicesTagPrefix)
		if !ok || key == "" || len(vs) == 0 {
			continue
		}
		if tags == nil {
			tags = map[string]string{}
		}
		tags[key] = vs[0]
	}
	return tags
}
