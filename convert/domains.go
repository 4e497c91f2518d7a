package convert

import (
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// domain is a custom domain read from either source, converted once every
// service is: its routes must reach converted functions.
type domain struct {
	file     string     // the source file, for the report
	at       *yaml.Node // the domain's position
	name     string
	protocol string
	routes   []route
}

type route struct {
	at                                 *yaml.Node
	path, service, function, qualifier string
	methods                            []string
}

// checkDomain checks a domain read from the source, to keep for
// customDomains when ok. The manifest manages HTTP domains only: one that serves
// HTTPS is reported (with its certificate) rather than converted, since
// applying it as HTTP would take HTTPS away.
func (c *conv) checkDomain(d domain) (domain, bool) {
	if d.name == "" || strings.EqualFold(d.name, "auto") {
		c.leftOut(d.at, "custom domain "+d.name, "a domain Funcraft or Serverless Devs generates (auto) cannot be declared: name your own domain under customDomains:")
		return d, false
	}
	if err := fc.ValidateDomainName(d.name); err != nil {
		c.leftOut(d.at, "custom domain "+d.name, err.Error()+": write it under customDomains: by hand")
		return d, false
	}
	if d.protocol == "" {
		d.protocol = fc.ProtocolHTTP
	}
	if fc.ServesHTTPS(d.protocol) {
		c.leftOut(d.at, "custom domain "+d.name+" (protocol "+d.protocol+")", "fcdeploy.yaml manages HTTP domains only, without certificates: keep this domain and its certificate as they are live (fcdeploy leaves it alone)")
		return d, false
	}
	if len(d.routes) == 0 {
		c.leftOut(d.at, "custom domain "+d.name+" has no routes", "add its routes under customDomains: by hand")
		return d, false
	}
	d.file = c.file
	return d, true
}

// domainsNode is customDomains: for the kept domains whose every route
// reaches a converted function; the others are reported. nil when none.
// Serverless Devs entries often each list the same domain with their own
// routes: declarations of one domain with one protocol are merged.
func (c *conv) domainsNode(services *yaml.Node) *yaml.Node {
	out := mapping()
	file := c.file
	defer func() { c.file = file }()
	var merged []domain
	for _, d := range c.domains {
		i := slices.IndexFunc(merged, func(m domain) bool { return m.name == d.name })
		switch {
		case i < 0:
			merged = append(merged, d)
		case merged[i].protocol != d.protocol:
			c.file = d.file
			c.leftOut(d.at, "custom domain "+d.name+" is declared again with protocol "+d.protocol, "only the first declaration ("+merged[i].protocol+") is converted: give them one protocol")
		default:
			merged[i].routes = append(merged[i].routes, d.routes...)
		}
	}
	for _, d := range merged {
		c.file = d.file
		routes := seq()
		ok := true
		for _, r := range d.routes {
			if get(get(resolve(get(services, r.service)), "functions"), r.function) == nil {
				c.leftOut(r.at, "custom domain "+d.name+" routes "+r.path+" to "+r.service+"/"+r.function+", which was not converted", "the domain is left out: convert that function too, or write the domain by hand")
				ok = false
				continue
			}
			rn := mapping()
			rn.Style = yaml.FlowStyle
			set(rn, "path", str(r.path))
			set(rn, "service", str(r.service))
			set(rn, "function", str(r.function))
			if r.qualifier != "" {
				set(rn, "qualifier", str(r.qualifier))
			}
			if len(r.methods) > 0 {
				ms := seq()
				for _, m := range r.methods {
					ms.Content = append(ms.Content, str(strings.ToUpper(m)))
				}
				set(rn, "methods", ms)
			}
			routes.Content = append(routes.Content, rn)
		}
		if !ok {
			continue
		}
		dn := mapping()
		set(dn, "protocol", str(d.protocol))
		set(dn, "routes", routes)
		set(out, d.name, dn)
		c.customDomains++
	}
	if len(out.Content) == 0 {
		return nil
	}
	return out
}

// scalars reads a list of scalars; ok is false for anything else.
func scalars(n *yaml.Node) ([]string, bool) {
	n = resolve(n)
	if n == nil {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	var out []string
	for _, it := range n.Content {
		it = resolve(it)
		if !isScalar(it) {
			return nil, false
		}
		out = append(out, it.Value)
	}
	return out, true
}

// fcARNRE matches a function destination as Funcraft and Serverless Devs
// write it, region and account possibly empty (the tool fills them in).
var fcARNRE = regexp.MustCompile(`^acs:fc:([^:]*):([^:]*):services/([^/.]+)/functions/([^/]+)$`)

// asyncConfig converts a function's async configuration, its keys named by
// keys (Funcraft's capitalised or Serverless Devs' camel-case). A function
// destination without a qualifier becomes SERVICE/FUNCTION (checked
// against the converted functions by validate); an ARN with an empty
// region or account gets ${vars.region} and ${vars.accountId}.
func (c *conv) asyncConfig(n *yaml.Node, where string, keys asyncKeys) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		c.leftOut(n, where+" is not a mapping", "write asyncInvokeConfig: by hand")
		return nil
	}
	out := mapping()
	for _, f := range []struct{ from, to string }{
		{keys.retries, "maxAsyncRetryAttempts"}, {keys.age, "maxAsyncEventAgeInSeconds"}, {keys.stateful, "statefulInvocation"},
	} {
		if v := resolve(get(n, f.from)); v != nil {
			if !isScalar(v) {
				c.leftOut(v, where+"."+f.from+" is not a value", "write it by hand")
				continue
			}
			set(out, f.to, copyNode(v))
		}
	}
	dests := mapping()
	pairs(resolve(get(n, keys.destination)), func(k, v *yaml.Node) {
		v = resolve(v)
		to := map[string]string{keys.onSuccess: "onSuccess", keys.onFailure: "onFailure"}[k.Value]
		if to == "" || !isScalar(v) {
			c.leftOut(k, where+"."+keys.destination+"."+k.Value, "destinations are onSuccess and onFailure, each an ARN")
			return
		}
		arn := v.Value
		if m := fcARNRE.FindStringSubmatch(arn); m != nil {
			arn = m[3] + "/" + m[4]
		} else if parts := strings.SplitN(arn, ":", 5); len(parts) == 5 && parts[0] == "acs" && (parts[2] == "" || parts[3] == "") {
			if parts[2] == "" {
				parts[2] = "${vars.region}"
			}
			if parts[3] == "" {
				parts[3] = "${vars.accountId}"
			}
			arn = strings.Join(parts, ":")
			c.accountVars = true
			if c.kind != KindFuncraft {
				c.leftOut(v, where+"."+keys.destination+"."+k.Value+": "+v.Value+" has no region or account", "it now uses ${vars.region} and ${vars.accountId}: define those vars")
			}
		}
		set(dests, to, str(arn))
	})
	if len(dests.Content) > 0 {
		set(out, "destinations", dests)
	}
	return out
}

type asyncKeys struct{ retries, age, stateful, destination, onSuccess, onFailure string }

var (
	funcraftAsync = asyncKeys{"MaxAsyncRetryAttempts", "MaxAsyncEventAgeInSeconds", "StatefulInvocation", "Destination", "OnSuccess", "OnFailure"}
	sdevsAsync    = asyncKeys{"maxAsyncRetryAttempts", "maxAsyncEventAgeInSeconds", "statefulInvocation", "destination", "onSuccess", "onFailure"}
)
