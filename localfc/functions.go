package localfc

import (
	"context"

	"github.com/fcdeploy/fcdeploy/fc"
)

func listFunctions(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	out, err := s.store.ListFunctions(ctx, c.account, c.service, c.qualifier, opt)
	if err != nil {
		return response{}, err
	}
	if out.Functions == nil {
		out.Functions = []fc.Function{}
	}
	return jsonOK(out, ""), nil
}

func createFunction(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.FunctionInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	subject := "function " + c.service + "/" + in.FunctionName
	if err := checkFunctionInput(subject, &in, true); err != nil {
		return response{}, err
	}
	code, err := decodeCode(subject, in.Code)
	if err != nil {
		return response{}, err
	}
	in.Code = nil // the store takes the decoded blob, not the base64
	fn, err := s.store.CreateFunction(ctx, c.account, c.service, in, code)
	if err != nil {
		return response{}, err
	}
	return jsonOK(fn, fn.ETag), nil
}

func getFunction(ctx context.Context, s *Server, c *call) (response, error) {
	fn, err := s.store.GetFunction(ctx, c.account, c.service, c.qualifier, c.function)
	if err != nil {
		return response{}, err
	}
	return jsonOK(fn, fn.ETag), nil
}

func updateFunction(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.FunctionInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	subject := "function " + c.service + "/" + c.function
	if err := checkFunctionInput(subject, &in, false); err != nil {
		return response{}, err
	}
	code, err := decodeCode(subject, in.Code)
	if err != nil {
		return response{}, err
	}
	in.Code = nil
	in.FunctionName = ""
	fn, err := s.store.UpdateFunction(ctx, c.account, c.service, c.function, in, code, ifMatch(c))
	if err != nil {
		return response{}, err
	}
	return jsonOK(fn, fn.ETag), nil
}

func deleteFunction(ctx context.Context, s *Server, c *call) (response, error) {
	if err := s.store.DeleteFunction(ctx, c.account, c.service, c.function, ifMatch(c)); err != nil {
		return response{}, err
	}
	s.wakeProvision() // provisioned instances follow the alias, or go
	return noContent(), nil
}
