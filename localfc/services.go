package localfc

import (
	"context"

	"github.com/fcdeploy/fcdeploy/fc"
)

func listServices(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	var out fc.ListServicesOutput
	if tags := tagFilter(c.r.URL.Query()); len(tags) > 0 {
		out, err = s.store.ListServicesByTags(ctx, c.account, opt, tags)
	} else {
		out, err = s.store.ListServices(ctx, c.account, opt)
	}
	if err != nil {
		return response{}, err
	}
	if out.Services == nil {
		out.Services = []fc.Service{}
	}
	return jsonOK(out, ""), nil
}

func createService(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.ServiceInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	if err := checkName("service", in.ServiceName); err != nil {
		return response{}, err
	}
	if err := checkDescription("service "+in.ServiceName, in.Description); err != nil {
		return response{}, err
	}
	svc, err := s.store.CreateService(ctx, c.account, in)
	if err != nil {
		return response{}, err
	}
	return jsonOK(svc, svc.ETag), nil
}

func getService(ctx context.Context, s *Server, c *call) (response, error) {
	svc, err := s.store.GetService(ctx, c.account, c.service, c.qualifier)
	if err != nil {
		return response{}, err
	}
	return jsonOK(svc, svc.ETag), nil
}

func updateService(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.ServiceInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	if err := checkDescription("service "+c.service, in.Description); err != nil {
		return response{}, err
	}
	in.ServiceName = "" // the path names the service; the body's name is ignored
	svc, err := s.store.UpdateService(ctx, c.account, c.service, in, ifMatch(c))
	if err != nil {
		return response{}, err
	}
	return jsonOK(svc, svc.ETag), nil
}

func deleteService(ctx context.Context, s *Server, c *call) (response, error) {
	if err := s.store.DeleteService(ctx, c.account, c.service, ifMatch(c)); err != nil {
		return response{}, err
	}
	s.wakeProvision() // provisioned instances follow the alias, or go
	return noContent(), nil
}

func ifMatch(c *call) string { return c.r.Header.Get("If-Match") }
