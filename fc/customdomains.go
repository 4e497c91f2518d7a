package fc

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Custom domains (fc-api-2016-08-15-current.md, section 8): a domain name
// whose requests Function Compute routes, by path, to HTTP-triggered
// functions.

// Error codes of custom domains (section 11.1).
const (
	CodeDomainNameAlreadyExists = "DomainNameAlreadyExists"
	CodeDomainNameNotFound      = "DomainNameNotFound"
	CodeDomainNameNotResolved   = "DomainNameNotResolved"
	CodeDomainNameResolveError  = "DomainNameResolveError"
)

// Protocols a custom domain may serve.
const (
	ProtocolHTTP      = "HTTP"
	ProtocolHTTPS     = "HTTPS"
	ProtocolHTTPHTTPS = "HTTP,HTTPS"
)

// Protocols lists every accepted value of a custom domain's protocol.
var Protocols = []string{ProtocolHTTP, ProtocolHTTPS, ProtocolHTTPHTTPS}

// Limits of domain names (RFC 1035).
const (
	MaxDomainNameLength  = 253
	MaxDomainLabelLength = 63
)

// registerCodes gives the new codes their HTTP status, so that NewError and
// StatusForCode answer like Function Compute for them too. Kept beside the
// constants so that this file stands alone.
func registerCodes(codes map[string]int) {
	for code, status := range codes {
		codeStatus[code] = status
	}
}

func init() {
	registerCodes(map[string]int{
		CodeDomainNameAlreadyExists: http.StatusConflict,
		CodeDomainNameNotFound:      http.StatusNotFound,
		CodeDomainNameNotResolved:   http.StatusBadRequest,
		CodeDomainNameResolveError:  http.StatusBadRequest,
	})
}

// CertConfig is the certificate of an HTTPS custom domain, as PEM texts.
// The private key is a secret: the local Function Compute never answers it
// back (responses carry it empty), and no SDK source says the cloud does.
type CertConfig struct {
	CertName    string `json:"certName"`
	Certificate string `json:"certificate"`
	PrivateKey  string `json:"privateKey"`
}

// TLSConfig bounds the TLS versions and ciphers of an HTTPS custom domain
// (fc-open-20210406 only; stored as given).
type TLSConfig struct {
	MinVersion   string   `json:"minVersion"`
	MaxVersion   string   `json:"maxVersion"`
	CipherSuites []string `json:"cipherSuites"`
}

// RewriteRule is one rule of a route's rewriteConfig.
type RewriteRule struct {
	Match       string `json:"match"`
	Replacement string `json:"replacement"`
}

// RewriteConfig rewrites a request path before the function sees it
// (fc-open-20210406 only).
type RewriteConfig struct {
	EqualRules    []RewriteRule `json:"equalRules"`
	WildcardRules []RewriteRule `json:"wildcardRules"`
	RegexRules    []RewriteRule `json:"regexRules"`
}

// Empty reports whether the config has no rule at all.
func (r *RewriteConfig) Empty() bool {
	return r == nil || len(r.EqualRules)+len(r.WildcardRules)+len(r.RegexRules) == 0
}

// PathConfig is one route of a custom domain: requests whose path matches
// Path go to the function.
type PathConfig struct {
	// Path is exact ("/a") or a prefix ending in "/*" ("/a/*", "/*").
	Path         string `json:"path"`
	ServiceName  string `json:"serviceName"`
	FunctionName string `json:"functionName"`
	// Qualifier is a version id or alias; "" means LATEST.
	Qualifier string `json:"qualifier"`
	// Methods, when not empty, are the only methods the route accepts.
	Methods       []string       `json:"methods"`
	RewriteConfig *RewriteConfig `json:"rewriteConfig,omitempty"`
}

// RouteConfig is a custom domain's route table.
type RouteConfig struct {
	Routes []PathConfig `json:"routes"`
}

// CustomDomainInput is the body of CreateCustomDomain (DomainName required)
// and UpdateCustomDomain (DomainName ignored). A set RouteConfig replaces
// the whole route table.
type CustomDomainInput struct {
	DomainName  string       `json:"domainName,omitempty"`
	Protocol    *string      `json:"protocol,omitempty"`
	RouteConfig *RouteConfig `json:"routeConfig,omitempty"`
	CertConfig  *CertConfig  `json:"certConfig,omitempty"`
	TLSConfig   *TLSConfig   `json:"tlsConfig,omitempty"`
}

// CustomDomain is a CustomDomainResponse.
type CustomDomain struct {
	DomainName       string      `json:"domainName"`
	AccountID        string      `json:"accountId"`
	Protocol         string      `json:"protocol"`
	APIVersion       string      `json:"apiVersion"`
	RouteConfig      RouteConfig `json:"routeConfig"`
	CertConfig       CertConfig  `json:"certConfig"`
	TLSConfig        TLSConfig   `json:"tlsConfig"`
	CreatedTime      string      `json:"createdTime"`
	LastModifiedTime string      `json:"lastModifiedTime"`
}

// ListCustomDomainsOutput is the body of a ListCustomDomains response.
type ListCustomDomainsOutput struct {
	CustomDomains []CustomDomain `json:"customDomains"`
	NextToken     string         `json:"nextToken,omitempty"`
}

// Apply sets the non-nil fields of in on d; a route table or certificate
// given replaces the old one whole.
func (d *CustomDomain) Apply(in CustomDomainInput) {
	if in.Protocol != nil {
		d.Protocol = *in.Protocol
	}
	if in.RouteConfig != nil {
		d.RouteConfig = RouteConfig{Routes: slices.Clone(in.RouteConfig.Routes)}
		for i := range d.RouteConfig.Routes {
			d.RouteConfig.Routes[i].Methods = slices.Clone(d.RouteConfig.Routes[i].Methods)
		}
	}
	if in.CertConfig != nil {
		d.CertConfig = *in.CertConfig
	}
	if in.TLSConfig != nil {
		d.TLSConfig = *in.TLSConfig
		d.TLSConfig.CipherSuites = slices.Clone(in.TLSConfig.CipherSuites)
	}
}

var domainLabelRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// ValidateDomainName checks a custom domain name: a fully qualified name of
// at least two labels (letters, digits and inner hyphens), not an IP
// address. Upper case is accepted; Function Compute compares names in
// lower case.
func ValidateDomainName(name string) error {
	lower := strings.ToLower(name)
	switch {
	case name == "":
		return fmt.Errorf("domain name is empty")
	case len(name) > MaxDomainNameLength:
		return fmt.Errorf("domain name %q is %d characters long, at most %d are allowed", name, len(name), MaxDomainNameLength)
	case net.ParseIP(name) != nil:
		return fmt.Errorf("domain name %q is an IP address; a custom domain is a DNS name such as api.example.com", name)
	case strings.HasPrefix(name, "*."):
		return fmt.Errorf("domain name %q: wildcard domains are not supported; declare each name", name)
	}
	labels := strings.Split(lower, ".")
	if len(labels) < 2 {
		return fmt.Errorf("domain name %q must be fully qualified, such as api.example.com", name)
	}
	for _, l := range labels {
		if len(l) > MaxDomainLabelLength {
			return fmt.Errorf("domain name %q: label %q is longer than %d characters", name, l, MaxDomainLabelLength)
		}
		if !domainLabelRE.MatchString(l) {
			return fmt.Errorf("domain name %q: label %q must be letters, digits and inner hyphens", name, l)
		}
	}
	if _, err := strconv.Atoi(labels[len(labels)-1]); err == nil {
		return fmt.Errorf("domain name %q ends in a numeric label; use a DNS name", name)
	}
	return nil
}

// ValidateProtocol checks a custom domain's protocol.
func ValidateProtocol(p string) error {
	if !slices.Contains(Protocols, p) {
		return fmt.Errorf("protocol %q is invalid: use one of %s", p, strings.Join(Protocols, " | "))
	}
	return nil
}

// ServesHTTPS reports whether protocol includes HTTPS.
func ServesHTTPS(protocol string) bool {
	return protocol == ProtocolHTTPS || protocol == ProtocolHTTPHTTPS
}

// ValidateCertConfig checks that a certificate is complete and that its
// certificate and private key are a PEM pair. Errors never quote the key.
func ValidateCertConfig(c CertConfig) error {
	switch {
	case c.CertName == "":
		return fmt.Errorf("certConfig.certName is empty")
	case strings.TrimSpace(c.Certificate) == "":
		return fmt.Errorf("certConfig %s: certificate is empty; give the PEM text of the certificate chain", c.CertName)
	case strings.TrimSpace(c.PrivateKey) == "":
		return fmt.Errorf("certConfig %s: privateKey is empty; give the PEM text of the certificate's private key", c.CertName)
	}
	if _, err := tls.X509KeyPair([]byte(c.Certificate), []byte(c.PrivateKey)); err != nil {
		return fmt.Errorf("certConfig %s: the certificate and privateKey are not a matching PEM pair: %v", c.CertName, err)
	}
	return nil
}

// checkQualifier checks a qualifier: LATEST, a version id or an alias name.
func checkQualifier(q string) error {
	if q == QualifierLatest {
		return nil
	}
	if n, err := strconv.ParseUint(q, 10, 64); err == nil && n > 0 {
		return nil
	}
	if err := ValidateName("alias", q); err != nil {
		return fmt.Errorf("qualifier %q is neither LATEST, a version id nor an alias name: %v", q, err)
	}
	return nil
}

// ValidateRoutePath checks a route path: "/" followed by anything without
// a query, and a "*" only as the final segment of a prefix route ("/a/*").
func ValidateRoutePath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("route path is empty")
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("route path %q must start with /", p)
	case strings.ContainsAny(p, "?# \t\r\n"):
		return fmt.Errorf("route path %q must not contain a query, fragment or whitespace", p)
	}
	if i := strings.IndexByte(p, '*'); i >= 0 && (i != len(p)-1 || !strings.HasSuffix(p, "/*")) {
		return fmt.Errorf("route path %q: * is allowed only as the last segment of a prefix route, such as /api/*", p)
	}
	return nil
}

// ValidateRoutes checks a route table: paths, targets and methods, and that
// no path is routed twice.
func ValidateRoutes(routes []PathConfig) error {
	seen := map[string]bool{}
	for i, r := range routes {
		at := fmt.Sprintf("routeConfig.routes[%d]", i)
		if err := ValidateRoutePath(r.Path); err != nil {
			return fmt.Errorf("%s: %v", at, err)
		}
		if seen[r.Path] {
			return fmt.Errorf("%s: path %q is routed twice; each path may appear once", at, r.Path)
		}
		seen[r.Path] = true
		if err := ValidateName("service", r.ServiceName); err != nil {
			return fmt.Errorf("%s (path %s): serviceName: %v", at, r.Path, err)
		}
		if err := ValidateName("function", r.FunctionName); err != nil {
			return fmt.Errorf("%s (path %s): functionName: %v", at, r.Path, err)
		}
		if r.Qualifier != "" {
			if err := checkQualifier(r.Qualifier); err != nil {
				return fmt.Errorf("%s (path %s): %v", at, r.Path, err)
			}
		}
		for _, m := range r.Methods {
			if !slices.Contains(HTTPMethods, m) {
				return fmt.Errorf("%s (path %s): method %q is not one of %v", at, r.Path, m, HTTPMethods)
			}
		}
		if rc := r.RewriteConfig; rc != nil {
			for _, rule := range rc.RegexRules {
				if _, err := regexp.Compile(rule.Match); err != nil {
					return fmt.Errorf("%s (path %s): rewriteConfig.regexRules: %q is not a valid regular expression: %v", at, r.Path, rule.Match, err)
				}
			}
		}
	}
	return nil
}

// ValidateCustomDomainInput checks the shape of a create (create true) or
// update body: the name on create, protocol, routes, and the certificate
// when one is given. A create whose protocol includes HTTPS needs one; an
// update may rely on the stored one, which CheckCertificate checks on the
// result.
func ValidateCustomDomainInput(in CustomDomainInput, create bool) error {
	if create {
		if err := ValidateDomainName(in.DomainName); err != nil {
			return err
		}
	}
	if in.Protocol != nil {
		if err := ValidateProtocol(*in.Protocol); err != nil {
			return err
		}
	}
	if in.RouteConfig != nil {
		if err := ValidateRoutes(in.RouteConfig.Routes); err != nil {
			return err
		}
	}
	if c := in.CertConfig; c != nil && (c.CertName != "" || c.Certificate != "" || c.PrivateKey != "") {
		return ValidateCertConfig(*c)
	}
	if create && in.Protocol != nil && ServesHTTPS(*in.Protocol) {
		return errNeedsCertificate(*in.Protocol)
	}
	return nil
}

func errNeedsCertificate(protocol string) error {
	return fmt.Errorf("protocol %s needs certConfig {certName, certificate, privateKey} (PEM texts)", protocol)
}

// CheckCertificate checks a whole domain (after an update): a protocol
// that includes HTTPS needs a certificate.
func (d *CustomDomain) CheckCertificate() error {
	if ServesHTTPS(d.Protocol) && strings.TrimSpace(d.CertConfig.Certificate) == "" {
		return errNeedsCertificate(d.Protocol)
	}
	return nil
}

func customDomainPath(domain string) string { return "/custom-domains/" + esc(domain) }

// CreateCustomDomain binds a domain name and its routes.
func (c *Client) CreateCustomDomain(ctx context.Context, in CustomDomainInput) (*CustomDomain, error) {
	var out CustomDomain
	_, err := c.sendJSON(ctx, &call{op: "CreateCustomDomain", subject: "custom domain " + in.DomainName, method: http.MethodPost, path: "/custom-domains"}, in, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetCustomDomain reads a custom domain.
func (c *Client) GetCustomDomain(ctx context.Context, domain string) (*CustomDomain, error) {
	var out CustomDomain
	_, err := c.sendJSON(ctx, &call{op: "GetCustomDomain", subject: "custom domain " + domain, method: http.MethodGet, path: customDomainPath(domain)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateCustomDomain changes a custom domain; a given RouteConfig replaces
// the whole route table. Custom domains carry no ETag, so nothing guards
// the write (no SDK sends If-Match here).
func (c *Client) UpdateCustomDomain(ctx context.Context, domain string, in CustomDomainInput) (*CustomDomain, error) {
	in.DomainName = ""
	var out CustomDomain
	_, err := c.sendJSON(ctx, &call{op: "UpdateCustomDomain", subject: "custom domain " + domain, method: http.MethodPut, path: customDomainPath(domain)}, in, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteCustomDomain unbinds a custom domain.
func (c *Client) DeleteCustomDomain(ctx context.Context, domain string) error {
	_, err := c.sendJSON(ctx, &call{op: "DeleteCustomDomain", subject: "custom domain " + domain, method: http.MethodDelete, path: customDomainPath(domain)}, nil, nil)
	return err
}

// ListCustomDomains reads one page of the account's custom domains.
func (c *Client) ListCustomDomains(ctx context.Context, opt ListOptions) (*ListCustomDomainsOutput, error) {
	var out ListCustomDomainsOutput
	_, err := c.sendJSON(ctx, &call{op: "ListCustomDomains", subject: "custom domains", method: http.MethodGet, path: "/custom-domains", query: listQuery(opt)}, nil, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAllCustomDomains walks every page of custom domains whose names start
// with prefix.
func (c *Client) ListAllCustomDomains(ctx context.Context, prefix string) ([]CustomDomain, error) {
	return walk(func(token string) ([]CustomDomain, string, error) {
		out, err := c.ListCustomDomains(ctx, ListOptions{Limit: MaxListLimit, Prefix: prefix, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		return out.CustomDomains, out.NextToken, nil
	})
}
