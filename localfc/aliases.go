package localfc

import (
	"context"

	"github.com/fcdeploy/fcdeploy/fc"
)

func checkAliasInput(subject string, in *fc.AliasInput) error {
	if err := checkDescription(subject, in.Description); err != nil {
		return err
	}
	for id, w := range in.AdditionalVersionWeight {
		if w < 0 || w > fc.MaxAdditionalVersionWeight {
			return invalid("%s: additionalVersionWeight of version %s is %v; it must be between 0 and 1", subject, id, w)
		}
	}
	return nil
}

func createAlias(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.AliasInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	if err := checkName("alias", in.AliasName); err != nil {
		return response{}, err
	}
	subject := "alias " + c.service + "/" + in.AliasName
	if in.VersionID == nil || *in.VersionID == "" {
		return response{}, invalid("%s: versionId is required", subject)
	}
	if err := checkAliasInput(subject, &in); err != nil {
		return response{}, err
	}
	al, err := s.store.CreateAlias(ctx, c.account, c.service, in)
	if err != nil {
		return response{}, err
	}
	return jsonOK(al, al.ETag), nil
}

func listAliases(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	out, err := s.store.ListAliases(ctx, c.account, c.service, opt)
	if err != nil {
		return response{}, err
	}
	if out.Aliases == nil {
		out.Aliases = []fc.Alias{}
	}
	return jsonOK(out, ""), nil
}

func getAlias(ctx context.Context, s *Server, c *call) (response, error) {
	al, err := s.store.GetAlias(ctx, c.account, c.service, c.alias)
	if err != nil {
		return response{}, err
	}
	return jsonOK(al, al.ETag), nil
}

func updateAlias(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.AliasInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	subject := "alias " + c.service + "/" + c.alias
	if in.VersionID != nil && *in.VersionID == "" {
		return response{}, invalid("%s: versionId must not be empty", subject)
	}
	if err := checkAliasInput(subject, &in); err != nil {
		return response{}, err
	}
	in.AliasName = ""
	al, err := s.store.UpdateAlias(ctx, c.account, c.service, c.alias, in, ifMatch(c))
	if err != nil {
		return response{}, err
	}
	s.wakeProvision() // provisioned instances follow the alias, or go
	return jsonOK(al, al.ETag), nil
}

func deleteAlias(ctx context.Context, s *Server, c *call) (response, error) {
	if err := s.store.DeleteAlias(ctx, c.account, c.service, c.alias, ifMatch(c)); err != nil {
		return response{}, err
	}
	s.wakeProvision() // provisioned instances follow the alias, or go
	return noContent(), nil
}
