package manifest

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The kinds of today's API that are the manifest's own: top-level layers
// and custom domains, a function's asyncInvokeConfig, an alias's
// provision and a service's tags. Each names other resources by the
// manifest's names (a layer, SERVICE/FUNCTION), which the planner resolves
// to ARNs.

// TagPrefix starts the tag keys fcdeploy owns: a manifest may not set them.
const TagPrefix = "fcdeploy:"

// Layer is one entry of `layers:`: a directory (or zip) published as a
// layer version whenever its content or configuration changed.
type Layer struct {
	Name              string
	Code              CodeSource
	CompatibleRuntime []string
	Description       string
	Pos               Pos
}

// CustomDomain is one entry of `customDomains:`.
type CustomDomain struct {
	Name string
	// Spec carries protocol and routeConfig as they are sent.
	Spec fc.CustomDomainInput
	Pos  Pos
}

// AsyncConfig is a function's asyncInvokeConfig. OnSuccess and OnFailure
// are as written: an ARN, or SERVICE/FUNCTION naming a function of the
// project (resolved by the planner); Spec.DestinationConfig is unset.
type AsyncConfig struct {
	Qualifier string // "" means LATEST
	Spec      fc.AsyncConfigInput
	OnSuccess string
	OnFailure string
	Pos       Pos
}

// Fields of the own blocks, kept in step with the schema by its tests.
var (
	LayerFields        = []string{"code", "compatibleRuntime", "description"}
	CustomDomainFields = []string{"protocol", "routes"}
	RouteFields        = []string{"path", "service", "function", "qualifier", "methods"}
	DestinationFields  = []string{"onSuccess", "onFailure"}
	// AsyncConfigShape decodes the API fields of asyncInvokeConfig
	// generically; qualifier and destinations are the manifest's own.
	AsyncConfigShape = Shape{Kind: "asyncConfig", Type: reflect.TypeFor[fc.AsyncConfigInput](),
		Own: []string{"qualifier", "destinations"}, Hidden: []string{"destinationConfig"}}
)

// Layer looks a declared layer up by name.
func (p *Project) Layer(name string) *Layer {
	for i := range p.Layers {
		if p.Layers[i].Name == name {
			return &p.Layers[i]
		}
	}
	return nil
}

func (l *loader) layers(n *yaml.Node) []Layer {
	var out []Layer
	for _, e := range l.entries(n, "layers") {
		k, v := e[0], e[1]
		path := join("layers", k.Value)
		if err := fc.ValidateLayerName(k.Value); err != nil {
			l.errorf(k, path, "%s", err)
		}
		o := l.object(v, k, path, LayerFields, []string{"code"})
		ly := Layer{Name: k.Value, Pos: l.pos(k), Description: o.str("description")}
		if o.has("code") {
			b := &block{path: path, at: k, keys: o.keys, vals: o.vals}
			ly.Code = l.code(b, path+".code")
			if ly.Code.Kind == CodeOSS {
				l.errorf(o.vals["code"], path+".code", "a layer's code is a directory or a .zip file; oss:// is not supported for layers")
			}
		}
		if len(ly.Description) > fc.MaxDescriptionLength {
			l.errorf(o.vals["description"], path+".description", "is %d characters long; at most %d are allowed", len(ly.Description), fc.MaxDescriptionLength)
		}
		if rn := o.vals["compatibleRuntime"]; rn != nil && !isNull(rn) {
			if rn.Kind != yaml.SequenceNode {
				l.errorf(rn, path+".compatibleRuntime", "must be a list of runtimes, not %s", describe(rn))
			} else {
				for i, r := range rn.Content {
					rp := path + ".compatibleRuntime." + strconv.Itoa(i)
					if r.Kind != yaml.ScalarNode {
						l.errorf(r, rp, "must be a runtime name, not %s", describe(r))
						continue
					}
					l.checkRuntime(r, rp, r.Value)
					ly.CompatibleRuntime = append(ly.CompatibleRuntime, r.Value)
				}
			}
		}
		out = append(out, ly)
	}
	return out
}

func (l *loader) customDomains(n *yaml.Node) []CustomDomain {
	var out []CustomDomain
	for _, e := range l.entries(n, "customDomains") {
		k, v := e[0], e[1]
		path := join("customDomains", k.Value)
		if err := fc.ValidateDomainName(k.Value); err != nil {
			l.errorf(k, path, "%s", err)
		}
		o := l.object(v, k, path, CustomDomainFields, []string{"routes"})
		d := CustomDomain{Name: k.Value, Pos: l.pos(k)}
		protocol := o.str("protocol")
		if protocol == "" {
			protocol = fc.ProtocolHTTP
		} else if err := fc.ValidateProtocol(protocol); err != nil {
			l.errorf(o.vals["protocol"], path+".protocol", "%s", err)
		}
		if fc.ServesHTTPS(protocol) {
			l.errorf(o.vals["protocol"], path+".protocol", "%s needs a certificate, which fcdeploy does not manage yet; use %s", protocol, fc.ProtocolHTTP)
		}
		d.Spec.Protocol = &protocol
		rc := &fc.RouteConfig{Routes: []fc.PathConfig{}}
		if rn := o.vals["routes"]; rn != nil && !isNull(rn) {
			if rn.Kind != yaml.SequenceNode {
				l.errorf(rn, path+".routes", "must be a list of routes, not %s", describe(rn))
			} else {
				for i, r := range rn.Content {
					rp := path + ".routes." + strconv.Itoa(i)
					ro := l.object(r, nil, rp, RouteFields, []string{"path", "service", "function"})
					pc := fc.PathConfig{Path: ro.str("path"), ServiceName: ro.str("service"), FunctionName: ro.str("function"), Qualifier: ro.str("qualifier")}
					if pc.Path != "" {
						if err := fc.ValidateRoutePath(pc.Path); err != nil {
							l.errorf(ro.vals["path"], rp+".path", "%s", err)
						}
					}
					if mn := ro.vals["methods"]; mn != nil && !isNull(mn) {
						if mn.Kind != yaml.SequenceNode {
							l.errorf(mn, rp+".methods", "must be a list of HTTP methods, not %s", describe(mn))
						} else {
							for j, m := range mn.Content {
								if !slices.Contains(fc.HTTPMethods, m.Value) {
									l.errorf(m, rp+".methods."+strconv.Itoa(j), "%q is not one of: %s", m.Value, strings.Join(fc.HTTPMethods, ", "))
								}
								pc.Methods = append(pc.Methods, m.Value)
							}
						}
					}
					if pc.ServiceName != "" && pc.FunctionName != "" {
						l.checkFunctionRef(ro.at, rp, pc.ServiceName, pc.FunctionName)
					}
					rc.Routes = append(rc.Routes, pc)
				}
			}
		}
		d.Spec.RouteConfig = rc
		out = append(out, d)
	}
	return out
}

// asyncConfig decodes a function's asyncInvokeConfig.
func (l *loader) asyncConfig(s *Service, fb *block) *AsyncConfig {
	n := fb.vals["asyncInvokeConfig"]
	path := join(fb.path, "asyncInvokeConfig")
	a := &AsyncConfig{Pos: l.pos(fb.keys["asyncInvokeConfig"])}
	b := l.decodeShape(n, fb.keys["asyncInvokeConfig"], path, AsyncConfigShape, &a.Spec)
	// The limits, worded as the schema words them (the two agree, and the
	// same diagnostic is reported once).
	for _, r := range []struct {
		name     string
		v        *int64
		min, max int64
	}{
		{"maxAsyncRetryAttempts", a.Spec.MaxAsyncRetryAttempts, fc.MinAsyncRetryAttempts, fc.MaxAsyncRetryAttempts},
		{"maxAsyncEventAgeInSeconds", a.Spec.MaxAsyncEventAgeInSeconds, fc.MinAsyncEventAgeSeconds, fc.MaxAsyncEventAgeSeconds},
	} {
		if r.v != nil && (*r.v < r.min || *r.v > r.max) {
			l.errorf(b.vals[r.name], join(path, r.name), "must be between %d and %d, not %d", r.min, r.max, *r.v)
		}
	}
	a.Qualifier = l.str(b, "qualifier")
	if a.Qualifier != "" {
		l.checkQualifier(s, b, a.Qualifier)
	}
	if dn := b.vals["destinations"]; dn != nil && !isNull(dn) {
		do := l.object(dn, b.keys["destinations"], path+".destinations", DestinationFields, nil)
		a.OnSuccess, a.OnFailure = do.str("onSuccess"), do.str("onFailure")
		for name, v := range map[string]string{"onSuccess": a.OnSuccess, "onFailure": a.OnFailure} {
			if v == "" {
				continue
			}
			if err := CheckDestination(v); err != nil {
				l.errorf(do.vals[name], path+".destinations."+name, "%s", err)
			} else if svc, fn, ok := strings.Cut(v, "/"); ok && !strings.HasPrefix(v, "acs:") {
				l.checkFunctionRef(do.vals[name], path+".destinations."+name, svc, fn)
			}
		}
	}
	return a
}

// CheckDestination accepts an async destination as written: SERVICE/FUNCTION
// or an ARN.
func CheckDestination(v string) error {
	if strings.HasPrefix(v, "acs:") {
		_, err := fc.ParseDestinationARN(v)
		return err
	}
	svc, fn, ok := strings.Cut(v, "/")
	if !ok || fc.ValidateName("service", svc) != nil || fc.ValidateName("function", fn) != nil {
		return fmt.Errorf("destination %q must be SERVICE/FUNCTION (a function of this project) or an ARN such as acs:fc:REGION:ACCOUNT:services/SERVICE/functions/FUNCTION", v)
	}
	return nil
}

// tags reads a service's `tags:`.
func (l *loader) tags(b *block) map[string]string {
	n := b.vals["tags"]
	path := join(b.path, "tags")
	if n.Kind != yaml.MappingNode {
		l.errorf(n, path, "must be a mapping of tag keys to values, not %s", describe(n))
		return nil
	}
	out := map[string]string{}
	for k, v := range pairs(n) {
		if strings.HasPrefix(k.Value, TagPrefix) {
			l.errorf(k, join(path, k.Value), "tag keys starting with %q belong to fcdeploy; choose another key", TagPrefix)
			continue
		}
		if v.Kind != yaml.ScalarNode {
			l.errorf(v, join(path, k.Value), "must be a string, not %s", describe(v))
			continue
		}
		out[k.Value] = v.Value
	}
	if len(out) > 0 {
		if err := fc.ValidateTags(out); err != nil {
			l.errorf(n, path, "%s", err)
		}
	}
	// One tag is fcdeploy's own (fcdeploy:project).
	if len(out) > fc.MaxTagsPerService-1 {
		l.errorf(n, path, "has %d tags; at most %d are allowed besides fcdeploy's own", len(out), fc.MaxTagsPerService-1)
	}
	return out
}

// provision reads an alias's `provision:`: N for every function of the
// service, or a mapping of function name to N.
func (l *loader) provision(s *Service, b *block) (*int64, map[string]int64) {
	n := b.vals["provision"]
	path := join(b.path, "provision")
	count := func(v *yaml.Node, p string) (int64, bool) {
		i, ok := l.integer(v, p)
		if !ok {
			return 0, false
		}
		if i < fc.MinProvisionTarget || i > fc.MaxProvisionTarget {
			l.errorf(v, p, "%d is out of range: the number of provisioned instances is %d to %d", i, fc.MinProvisionTarget, fc.MaxProvisionTarget)
			return 0, false
		}
		return i, true
	}
	if n.Kind != yaml.MappingNode {
		if i, ok := count(n, path); ok {
			return &i, nil
		}
		return nil, nil
	}
	out := map[string]int64{}
	for k, v := range pairs(n) {
		fp := join(path, k.Value)
		if c, ok := count(v, fp); ok {
			out[k.Value] = c
		}
		// Functions are loaded after aliases: checked once they are.
		l.later = append(l.later, func(*Project) {
			if s.Function(k.Value) == nil {
				l.errorf(k, fp, "service %s declares no function %s", s.Name, k.Value)
			}
		})
	}
	return nil, out
}

// checkLayers checks a function's layers: each names a declared layer or
// is a layer version ARN.
func (l *loader) checkLayers(b *block, refs []string) {
	n := b.vals["layers"]
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) != len(refs) {
		return
	}
	for i, ref := range refs {
		if n.Content[i].Kind != yaml.ScalarNode {
			continue // decoding reported it: a layer is a name or an ARN
		}
		ip := join(b.path, "layers."+strconv.Itoa(i))
		if n.Content[i].Tag == "!!null" || ref == "" {
			// A null decodes as "~": naming it would send the reader
			// looking for a layer called "~".
			l.errorf(n.Content[i], ip, "a layer entry is empty: give the name of a layer declared under layers: or a layer version ARN")
			continue
		}
		if strings.HasPrefix(ref, "acs:") {
			if _, err := fc.ParseLayerVersionARN(ref); err != nil {
				l.errorf(n.Content[i], ip, "%s", err)
			}
			continue
		}
		if l.layerNames[ref] {
			continue
		}
		msg := fmt.Sprintf("layer %q is not declared under layers: and is not a layer version ARN", ref)
		if sug := DidYouMean(ref, slices.Sorted(maps.Keys(l.layerNames))); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
		l.errorf(n.Content[i], ip, "%s", msg)
	}
}

// checkFunctionRef reports a SERVICE/FUNCTION the project does not declare,
// once every service is loaded.
func (l *loader) checkFunctionRef(n *yaml.Node, path, service, function string) {
	l.later = append(l.later, func(p *Project) {
		if !p.functionExists(service, function) {
			l.errorf(n, path, "function %s/%s is not declared in this project", service, function)
		}
	})
}

// functionExists says whether the project declares service/function.
func (p *Project) functionExists(service, function string) bool {
	s := p.Service(service)
	return s != nil && s.Function(function) != nil
}
