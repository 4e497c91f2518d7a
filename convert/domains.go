package convert

import (
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
func (c *conv) domainsNode(services *yaml.Node) *yaml.Node {
	out := mapping()
	file := c.file
	defer func() { c.file = file }()
	for _, d := range c.domains {
		c.file = d.file
		if get(out, d.name) != nil {
			c.leftOut(d.at, "custom domain "+d.name+" is declared twice", "only the first is converted: merge their routes")
			continue
		}
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
