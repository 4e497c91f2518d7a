package localfc

import (
	"context"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// Provision configs (reference section 7.1) and on-demand configs (7.2).

// provisionAlias checks that the path's qualifier names an alias: a
// provision config keeps instances of what an alias points at.
func provisionAlias(op string, c *call) error {
	q := c.qualifier
	switch {
	case q == "":
		return invalid("%s: function %s/%s: the qualifier is required: use /services/%s.ALIAS/functions/%s/provision-config", op, c.service, c.function, c.service, c.function)
	case q == fc.QualifierLatest || isDigit(q[0]):
		return invalid("%s: function %s/%s: qualifier %q must be an alias name, not LATEST or a version id; create an alias for the version and provision that", op, c.service, c.function, q)
	}
	return checkName("alias", q)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func putProvisionConfig(ctx context.Context, s *Server, c *call) (response, error) {
	if err := provisionAlias("PutProvisionConfig", c); err != nil {
		return response{}, err
	}
	var in struct {
		Target *int64 `json:"target"`
	}
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	subject := "provision config of function " + c.service + "." + c.qualifier + "/" + c.function
	if in.Target == nil {
		return response{}, invalid("%s: target is required (the number of instances to keep ready; 0 releases them)", subject)
	}
	if t := *in.Target; t < fc.MinProvisionTarget || t > fc.MaxProvisionTarget {
		return response{}, invalid("%s: target %d is invalid: it must be between %d and %d", subject, t, fc.MinProvisionTarget, fc.MaxProvisionTarget)
	}
	pc, err := s.store.PutProvisionConfig(ctx, c.account, c.service, c.qualifier, c.function, *in.Target, ifMatch(c))
	if err != nil {
		return response{}, err
	}
	// The instances start before the answer, so that a Get right after
	// reports them; a failure to start them does not undo the config (the
	// platform, too, reports progress in current), it is logged and
	// retried by the provision loop.
	s.provisionNow(context.WithoutCancel(ctx), store.ProvisionRef{
		AccountID: c.account, ServiceName: c.service, Alias: c.qualifier, FunctionName: c.function, Target: *in.Target,
	})
	pc.Current = s.currentProvisioned(c.account, c.service, c.qualifier, c.function)
	return jsonOK(pc, pc.ETag), nil
}

// getProvisionConfig reports current as the provisioned instances running.
func getProvisionConfig(ctx context.Context, s *Server, c *call) (response, error) {
	if err := provisionAlias("GetProvisionConfig", c); err != nil {
		return response{}, err
	}
	pc, err := s.store.GetProvisionConfig(ctx, c.account, c.service, c.qualifier, c.function)
	if err != nil {
		return response{}, err
	}
	pc.Current = s.currentProvisioned(c.account, c.service, c.qualifier, c.function)
	return jsonOK(pc, pc.ETag), nil
}

func listProvisionConfigs(ctx context.Context, s *Server, c *call) (response, error) {
	q := c.r.URL.Query()
	limit, err := listLimit(q)
	if err != nil {
		return response{}, err
	}
	service, alias := q.Get("serviceName"), q.Get("qualifier")
	if alias != "" && service == "" {
		return response{}, invalid("ListProvisionConfigs: qualifier %q needs serviceName too", alias)
	}
	if service != "" {
		if err := checkName("service", service); err != nil {
			return response{}, err
		}
	}
	out, err := s.store.ListProvisionConfigs(ctx, c.account, service, alias, fc.ListOptions{Limit: limit, NextToken: q.Get("nextToken")})
	if err != nil {
		return response{}, err
	}
	for i, pc := range out.ProvisionConfigs {
		// resource is account#service#alias#function; names hold no '#'.
		if parts := strings.Split(pc.Resource, "#"); len(parts) == 4 {
			out.ProvisionConfigs[i].Current = s.currentProvisioned(c.account, parts[1], parts[2], parts[3])
		}
	}
	return jsonOK(out, ""), nil
}

// onDemandQualifier checks that the path carries a qualifier.
func onDemandQualifier(op string, c *call) error {
	if c.qualifier == "" {
		return invalid("%s: function %s/%s: the qualifier is required: use /services/%s.QUALIFIER/functions/%s/on-demand-config (LATEST, a version id or an alias)", op, c.service, c.function, c.service, c.function)
	}
	return nil
}

func putOnDemandConfig(ctx context.Context, s *Server, c *call) (response, error) {
	if err := onDemandQualifier("PutOnDemandConfig", c); err != nil {
		return response{}, err
	}
	var in struct {
		MaximumInstanceCount *int64 `json:"maximumInstanceCount"`
	}
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	subject := "on-demand config of function " + c.service + "." + c.qualifier + "/" + c.function
	if in.MaximumInstanceCount == nil {
		return response{}, invalid("%s: maximumInstanceCount is required", subject)
	}
	if n := *in.MaximumInstanceCount; n < fc.MinOnDemandInstanceCount || n > fc.MaxOnDemandInstanceCount {
		return response{}, invalid("%s: maximumInstanceCount %d is invalid: it must be between %d and %d", subject, n, fc.MinOnDemandInstanceCount, fc.MaxOnDemandInstanceCount)
	}
	oc, err := s.store.PutOnDemandConfig(ctx, c.account, c.service, c.qualifier, c.function, *in.MaximumInstanceCount, ifMatch(c))
	if err != nil {
		return response{}, err
	}
	return jsonOK(oc, oc.ETag), nil
}

func getOnDemandConfig(ctx context.Context, s *Server, c *call) (response, error) {
	if err := onDemandQualifier("GetOnDemandConfig", c); err != nil {
		return response{}, err
	}
	oc, err := s.store.GetOnDemandConfig(ctx, c.account, c.service, c.qualifier, c.function)
	if err != nil {
		return response{}, err
	}
	return jsonOK(oc, oc.ETag), nil
}

func deleteOnDemandConfig(ctx context.Context, s *Server, c *call) (response, error) {
	if err := onDemandQualifier("DeleteOnDemandConfig", c); err != nil {
		return response{}, err
	}
	if err := s.store.DeleteOnDemandConfig(ctx, c.account, c.service, c.qualifier, c.function, ifMatch(c)); err != nil {
		return response{}, err
	}
	return noContent(), nil
}

// listOnDemandConfigs treats the empty prefix=, startKey= and nextToken=
// the Go SDK always sends as absent, which listOptions does.
func listOnDemandConfigs(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	out, err := s.store.ListOnDemandConfigs(ctx, c.account, opt)
	if err != nil {
		return response{}, err
	}
	return jsonOK(out, ""), nil
}
