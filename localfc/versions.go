package localfc

import (
	"context"

	"github.com/fcdeploy/fcdeploy/fc"
)

// publishVersion takes an optional body; the Go SDK sends "Description",
// which encoding/json matches case-insensitively.
func publishVersion(ctx context.Context, s *Server, c *call) (response, error) {
	var in struct {
		Description *string `json:"description"`
	}
	if err := decodeBody(c.r, &in, true); err != nil {
		return response{}, err
	}
	if err := checkDescription("version of service "+c.service, in.Description); err != nil {
		return response{}, err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	v, err := s.store.PublishVersion(ctx, c.account, c.service, desc, ifMatch(c))
	if err != nil {
		return response{}, err
	}
	return jsonOK(v, v.ETag), nil
}

func listVersions(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listVersionsOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	out, err := s.store.ListVersions(ctx, c.account, c.service, opt)
	if err != nil {
		return response{}, err
	}
	if out.Versions == nil {
		out.Versions = []fc.Version{}
	}
	if out.Direction == "" {
		out.Direction = opt.Direction
	}
	return jsonOK(out, ""), nil
}

func deleteVersion(ctx context.Context, s *Server, c *call) (response, error) {
	if err := s.store.DeleteVersion(ctx, c.account, c.service, c.version); err != nil {
		return response{}, err
	}
	return noContent(), nil
}
