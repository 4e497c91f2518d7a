package applier

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// CurrentAPI is the part of *fc.Client that writes the kinds of today's
// API: layers, custom domains, async invoke and provision configs, tags.
// A plan with such changes needs an API that has it.
type CurrentAPI interface {
	PublishLayerVersion(ctx context.Context, layer string, in fc.PublishLayerVersionInput) (*fc.Layer, error)
	DeleteLayerVersion(ctx context.Context, layer string, version int32) error
	CreateCustomDomain(ctx context.Context, in fc.CustomDomainInput) (*fc.CustomDomain, error)
	UpdateCustomDomain(ctx context.Context, domain string, in fc.CustomDomainInput) (*fc.CustomDomain, error)
	DeleteCustomDomain(ctx context.Context, domain string) error
	GetCustomDomain(ctx context.Context, domain string) (*fc.CustomDomain, error)
	PutFunctionAsyncInvokeConfig(ctx context.Context, service, qualifier, function string, in fc.AsyncConfigInput) (*fc.AsyncConfig, error)
	DeleteFunctionAsyncInvokeConfig(ctx context.Context, service, qualifier, function string) error
	PutProvisionConfig(ctx context.Context, service, alias, function string, in fc.ProvisionConfigInput, ifMatch string) (*fc.ProvisionConfig, error)
	ListAllLayerVersions(ctx context.Context, layer string) ([]fc.Layer, error)
	TagResource(ctx context.Context, in fc.TagResourceInput) error
	UntagResource(ctx context.Context, in fc.UntagResourceInput) error
}

// LayerCodeProvider gives the zip bytes of a layer's code. The applier
// checks that fc.CodeChecksum of the bytes is the planned checksum.
type LayerCodeProvider interface {
	LayerCode(ctx context.Context, layer, checksum string) ([]byte, error)
}

// checkCurrent refuses, before anything is sent, a plan with changes of
// today's kinds that the API or the code provider cannot carry out.
func checkCurrent(api API, plan *planner.Plan, code CodeProvider) error {
	for _, c := range plan.Changes {
		switch c.Kind {
		case planner.KindLayer, planner.KindCustomDomain, planner.KindAsyncConfig, planner.KindProvision:
		default:
			if len(c.Tags) == 0 && len(c.UntagKeys) == 0 {
				continue
			}
		}
		if _, ok := api.(CurrentAPI); !ok {
			return fmt.Errorf("%s: the API given to the applier cannot write layers, custom domains, async, provision or tag configuration", c.Subject())
		}
		if c.Kind == planner.KindLayer && c.Action != planner.ActionDelete {
			if _, ok := code.(LayerCodeProvider); !ok {
				return fmt.Errorf("%s: the plan publishes a layer version but no layer code provider was given", c.Subject())
			}
		}
	}
	return nil
}

func (r *run) current(ctx context.Context, c *planner.Change) (StepAction, error) {
	api, ok := r.api.(CurrentAPI)
	if !ok {
		return Failed, fmt.Errorf("the API cannot write %s changes", c.Kind)
	}
	switch c.Kind {
	case planner.KindLayer:
		return r.layer(ctx, api, c)
	case planner.KindCustomDomain:
		return r.customDomain(ctx, api, c)
	case planner.KindAsyncConfig:
		if c.Action == planner.ActionDelete {
			return Deleted, resend(ctx, func() error { return api.DeleteFunctionAsyncInvokeConfig(ctx, c.Service, c.Qualifier, c.Function) })
		}
		in, err := needInput(c, c.AsyncConfigInput)
		if err != nil {
			return Failed, err
		}
		if err := resend(ctx, func() error {
			_, err := api.PutFunctionAsyncInvokeConfig(ctx, c.Service, c.Qualifier, c.Function, *in)
			return err
		}); err != nil {
			return Failed, err
		}
		return outcomeOf(c.Action), nil
	case planner.KindProvision:
		in, err := needInput(c, c.ProvisionTarget)
		if err != nil {
			return Failed, err
		}
		if err := resend(ctx, func() error {
			_, err := api.PutProvisionConfig(ctx, c.Service, c.Name, c.Function, fc.ProvisionConfigInput{Target: *in}, "")
			return err
		}); err != nil {
			return Failed, err
		}
		return outcomeOf(c.Action), nil
	}
	return Failed, fmt.Errorf("unknown kind %q", c.Kind)
}

// tags writes a service change's tags, after its configuration.
func (r *run) tags(ctx context.Context, c *planner.Change) error {
	if len(c.Tags) == 0 && len(c.UntagKeys) == 0 {
		return nil
	}
	api, ok := r.api.(CurrentAPI)
	if !ok {
		return fmt.Errorf("the API cannot write tags")
	}
	if len(c.UntagKeys) > 0 {
		if err := resend(ctx, func() error {
			return api.UntagResource(ctx, fc.UntagResourceInput{ResourceARN: c.ResourceARN, TagKeys: c.UntagKeys})
		}); err != nil {
			return fmt.Errorf("untag: %w", err)
		}
	}
	if len(c.Tags) > 0 {
		if err := resend(ctx, func() error {
			return api.TagResource(ctx, fc.TagResourceInput{ResourceARN: c.ResourceARN, Tags: c.Tags})
		}); err != nil {
			return fmt.Errorf("tag: %w", err)
		}
	}
	return nil
}

// resend sends a write again while its outcome is unknown (the answer was
// lost), at most maxResends times. The write must be idempotent, or its
// caller must settle a repeat (a version publish that happened is answered
// "nothing changed" the second time).
func resend(ctx context.Context, send func() error) error {
	err := send()
	for i := 0; outcomeUnknown(ctx, err) && i < maxResends; i++ {
		err = send()
	}
	return err
}

func outcomeOf(a planner.Action) StepAction {
	switch a {
	case planner.ActionCreate:
		return Created
	case planner.ActionDelete:
		return Deleted
	case planner.ActionPublish:
		return Published
	}
	return Updated
}

func (r *run) layer(ctx context.Context, api CurrentAPI, c *planner.Change) (StepAction, error) {
	if c.Action == planner.ActionDelete {
		// Newest last: a failure leaves the newest version in place for
		// the functions that may still use it.
		for _, v := range c.LayerVersions {
			if err := resend(ctx, func() error { return api.DeleteLayerVersion(ctx, c.Name, v) }); err != nil && !fc.IsNotFound(err) {
				return Failed, fmt.Errorf("version %d: %w", v, err)
			}
		}
		return Deleted, nil
	}
	in, err := needInput(c, c.LayerInput)
	if err != nil {
		return Failed, err
	}
	if c.Code == nil {
		return Failed, fmt.Errorf("the plan carries no code for this %s", c.Action)
	}
	lp, ok := r.opt.Code.(LayerCodeProvider)
	if !ok {
		return Failed, fmt.Errorf("no layer code provider was given")
	}
	zip, err := lp.LayerCode(ctx, c.Name, c.Code.After)
	if err != nil {
		return Failed, fmt.Errorf("read code: %w", err)
	}
	if sum := fc.CodeChecksum(zip); sum != c.Code.After {
		return Failed, &CodeChangedError{Subject: "layer " + c.Name, Planned: c.Code.After, Current: sum}
	}
	send := *in
	send.Code = &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(zip)}
	l, err := api.PublishLayerVersion(ctx, c.Name, send)
	for i := 0; outcomeUnknown(ctx, err) && i < maxResends; i++ {
		// The answer was lost: if the version was published, it is the
		// newest with the planned code; otherwise publish again.
		if vs, lerr := api.ListAllLayerVersions(ctx, c.Name); lerr == nil && len(vs) > 0 {
			newest := vs[len(vs)-1]
			if newest.CodeChecksum == c.Code.After && (in.Description == nil || newest.Description == *in.Description) {
				l, err = &newest, nil
				break
			}
		}
		l, err = api.PublishLayerVersion(ctx, c.Name, send)
	}
	if err != nil {
		return Failed, err
	}
	r.mu.Lock()
	if r.layers == nil {
		r.layers = map[string]string{}
	}
	r.layers[c.Name] = l.ARN
	r.mu.Unlock()
	return outcomeOf(c.Action), nil
}

// functionLayers fills in the ARNs of the layer versions this apply
// published.
func (r *run) functionLayers(c *planner.Change, layers []string) ([]string, error) {
	if len(c.FunctionLayers) == 0 {
		return layers, nil
	}
	out := slices.Clone(layers)
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, name := range c.FunctionLayers {
		arn, ok := r.layers[name]
		if !ok || i < 0 || i >= len(out) {
			return nil, fmt.Errorf("it uses the version of layer %s this apply publishes, but none was published", name)
		}
		out[i] = arn
	}
	return out, nil
}

func (r *run) customDomain(ctx context.Context, api CurrentAPI, c *planner.Change) (StepAction, error) {
	if c.Action == planner.ActionDelete {
		return Deleted, resend(ctx, func() error { return api.DeleteCustomDomain(ctx, c.Name) })
	}
	in, err := needInput(c, c.CustomDomainInput)
	if err != nil {
		return Failed, err
	}
	if c.Action == planner.ActionCreate {
		for attempt := 0; ; attempt++ {
			_, err := api.CreateCustomDomain(ctx, *in)
			unknown := outcomeUnknown(ctx, err)
			if err == nil {
				return Created, nil
			}
			if !unknown && !fc.IsAlreadyExists(err) {
				return Failed, err
			}
			// Settled by reading back: done when it already routes as
			// planned; sent again when a lost create did not happen.
			d, gerr := api.GetCustomDomain(ctx, c.Name)
			switch {
			case gerr == nil && inputReflected(in, d):
				return Created, nil
			case unknown && fc.IsNotFound(gerr) && attempt < maxResends:
				continue
			}
			return Failed, err
		}
	}
	update := *in
	update.DomainName = ""
	if err := resend(ctx, func() error {
		_, err := api.UpdateCustomDomain(ctx, c.Name, update)
		return err
	}); err != nil {
		return Failed, err
	}
	return Updated, nil
}
