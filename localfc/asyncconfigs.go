package localfc

import (
	"context"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The function async invoke config operations (fc-api-2016-08-15-current.md,
// section 6.1). The path's qualifier picks the config; none means LATEST,
// which the Python and Node SDKs also send spelled out.

func asyncConfigSubject(c *call) string {
	return "async invoke config of function " + qualifiedName(c.service, c.qualifier) + "/" + c.function
}

func putAsyncConfig(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.AsyncConfigInput
	if err := decodeBody(c.r, &in, true); err != nil {
		return response{}, err
	}
	if err := fc.ValidateAsyncConfigInput(in); err != nil {
		return response{}, invalid("%s: %v", asyncConfigSubject(c), err)
	}
	out, err := s.store.PutAsyncConfig(ctx, c.account, c.service, c.qualifier, c.function, in)
	if err != nil {
		return response{}, err
	}
	return jsonOK(out, ""), nil
}

func getAsyncConfig(ctx context.Context, s *Server, c *call) (response, error) {
	out, err := s.store.GetAsyncConfig(ctx, c.account, c.service, c.qualifier, c.function)
	if err != nil {
		return response{}, err
	}
	return jsonOK(out, ""), nil
}

func deleteAsyncConfig(ctx context.Context, s *Server, c *call) (response, error) {
	if err := s.store.DeleteAsyncConfig(ctx, c.account, c.service, c.qualifier, c.function); err != nil {
		return response{}, err
	}
	return noContent(), nil
}

func listAsyncConfigs(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	out, err := s.store.ListAsyncConfigs(ctx, c.account, c.service, c.function, opt)
	if err != nil {
		return response{}, err
	}
	return jsonOK(out, ""), nil
}
