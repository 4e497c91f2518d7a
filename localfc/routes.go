package localfc

import (
	"context"
	"net/http"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// apiPrefix starts every path of the API.
const apiPrefix = "/" + fc.APIVersion + "/"

// call is one parsed, authenticated request as handlers see it.
type call struct {
	r         *http.Request
	reqID     string
	account   string
	service   string
	qualifier string // "" when the path carries none
	function  string
	trigger   string
	version   string
	alias     string
	token     string // code download token
	domain    string // custom domain name
}

type handler func(ctx context.Context, s *Server, c *call) (response, error)

// route is one operation: a method and a path pattern of literal segments
// and {placeholders}. Placeholders fill the call's fields by name.
type route struct {
	op        string
	method    string
	pattern   []string
	qualified bool // the {service} segment may carry .qualifier
	noAuth    bool // the path authenticates itself (signed token) or is not built
	handle    handler
}

func newRoute(op, method, pattern string, h handler) route {
	return route{op: op, method: method, pattern: strings.Split(pattern, "/"), handle: h}
}

func (rt route) withQualifier() route { rt.qualified = true; return rt }
func (rt route) public() route        { rt.noAuth = true; return rt }

// routes is the table of every operation of the 2016-08-15 API, plus the
// code download URL that GetFunctionCode hands out. HTTP triggers are
// served before routing (proxy.go).
var routes = []route{
	newRoute("ListServices", http.MethodGet, "services", listServices),
	newRoute("CreateService", http.MethodPost, "services", createService),
	newRoute("GetService", http.MethodGet, "services/{service}", getService).withQualifier(),
	newRoute("UpdateService", http.MethodPut, "services/{service}", updateService),
	newRoute("DeleteService", http.MethodDelete, "services/{service}", deleteService),

	newRoute("ListFunctions", http.MethodGet, "services/{service}/functions", listFunctions).withQualifier(),
	newRoute("CreateFunction", http.MethodPost, "services/{service}/functions", createFunction),
	newRoute("GetFunction", http.MethodGet, "services/{service}/functions/{function}", getFunction).withQualifier(),
	newRoute("UpdateFunction", http.MethodPut, "services/{service}/functions/{function}", updateFunction),
	newRoute("DeleteFunction", http.MethodDelete, "services/{service}/functions/{function}", deleteFunction),
	newRoute("GetFunctionCode", http.MethodGet, "services/{service}/functions/{function}/code", getFunctionCode).withQualifier(),
	newRoute("InvokeFunction", http.MethodPost, "services/{service}/functions/{function}/invocations", invokeFunction).withQualifier(),

	newRoute("ListTriggers", http.MethodGet, "services/{service}/functions/{function}/triggers", listTriggers),
	newRoute("CreateTrigger", http.MethodPost, "services/{service}/functions/{function}/triggers", createTrigger),
	newRoute("GetTrigger", http.MethodGet, "services/{service}/functions/{function}/triggers/{trigger}", getTrigger),
	newRoute("UpdateTrigger", http.MethodPut, "services/{service}/functions/{function}/triggers/{trigger}", updateTrigger),
	newRoute("DeleteTrigger", http.MethodDelete, "services/{service}/functions/{function}/triggers/{trigger}", deleteTrigger),

	newRoute("PublishVersion", http.MethodPost, "services/{service}/versions", publishVersion),
	newRoute("ListVersions", http.MethodGet, "services/{service}/versions", listVersions),
	newRoute("DeleteVersion", http.MethodDelete, "services/{service}/versions/{version}", deleteVersion),

	newRoute("CreateAlias", http.MethodPost, "services/{service}/aliases", createAlias),
	newRoute("ListAliases", http.MethodGet, "services/{service}/aliases", listAliases),
	newRoute("GetAlias", http.MethodGet, "services/{service}/aliases/{alias}", getAlias),
	newRoute("UpdateAlias", http.MethodPut, "services/{service}/aliases/{alias}", updateAlias),
	newRoute("DeleteAlias", http.MethodDelete, "services/{service}/aliases/{alias}", deleteAlias),

	newRoute("DownloadCode", http.MethodGet, "code/{token}", downloadCode).public(),

	newRoute("CreateCustomDomain", http.MethodPost, "custom-domains", createCustomDomain),
	newRoute("ListCustomDomains", http.MethodGet, "custom-domains", listCustomDomains),
	newRoute("GetCustomDomain", http.MethodGet, "custom-domains/{domain}", getCustomDomain),
	newRoute("UpdateCustomDomain", http.MethodPut, "custom-domains/{domain}", updateCustomDomain),
	newRoute("DeleteCustomDomain", http.MethodDelete, "custom-domains/{domain}", deleteCustomDomain),

	newRoute("PutFunctionAsyncInvokeConfig", http.MethodPut, "services/{service}/functions/{function}/async-invoke-config", putAsyncConfig).withQualifier(),
	newRoute("GetFunctionAsyncInvokeConfig", http.MethodGet, "services/{service}/functions/{function}/async-invoke-config", getAsyncConfig).withQualifier(),
	newRoute("DeleteFunctionAsyncInvokeConfig", http.MethodDelete, "services/{service}/functions/{function}/async-invoke-config", deleteAsyncConfig).withQualifier(),
	newRoute("ListFunctionAsyncInvokeConfigs", http.MethodGet, "services/{service}/functions/{function}/async-invoke-configs", listAsyncConfigs),

	// Layers, provision and on-demand configs, tags and account reads
	// (layers.go, provision.go, tags.go, account.go). Layer names and
	// versions are read by the handlers from the path.
	newRoute("PublishLayerVersion", http.MethodPost, "layers/{layer}/versions", publishLayerVersion),
	newRoute("ListLayers", http.MethodGet, "layers", listLayers),
	newRoute("ListLayerVersions", http.MethodGet, "layers/{layer}/versions", listLayerVersions),
	newRoute("GetLayerVersion", http.MethodGet, "layers/{layer}/versions/{layerVersion}", getLayerVersion),
	newRoute("DeleteLayerVersion", http.MethodDelete, "layers/{layer}/versions/{layerVersion}", deleteLayerVersion),
	newRoute("PutLayerACL", http.MethodPut, "layers/{layer}/acl", putLayerACL),
	// The ARN arrives escaped as one segment; decoded, its '/' split it.
	newRoute("GetLayerVersionByArn", http.MethodGet, "layerarn/{arn}", getLayerVersionByArn),
	newRoute("GetLayerVersionByArn", http.MethodGet, "layerarn/{arn}/{layer}/versions/{layerVersion}", getLayerVersionByArn),
	newRoute("DownloadLayerCode", http.MethodGet, layerCodePath+"{token}", downloadLayerCode).public(),

	newRoute("PutProvisionConfig", http.MethodPut, "services/{service}/functions/{function}/provision-config", putProvisionConfig).withQualifier(),
	newRoute("GetProvisionConfig", http.MethodGet, "services/{service}/functions/{function}/provision-config", getProvisionConfig).withQualifier(),
	newRoute("ListProvisionConfigs", http.MethodGet, "provision-configs", listProvisionConfigs),
	newRoute("PutOnDemandConfig", http.MethodPut, "services/{service}/functions/{function}/on-demand-config", putOnDemandConfig).withQualifier(),
	newRoute("GetOnDemandConfig", http.MethodGet, "services/{service}/functions/{function}/on-demand-config", getOnDemandConfig).withQualifier(),
	newRoute("DeleteOnDemandConfig", http.MethodDelete, "services/{service}/functions/{function}/on-demand-config", deleteOnDemandConfig).withQualifier(),
	newRoute("ListOnDemandConfigs", http.MethodGet, "on-demand-configs", listOnDemandConfigs),

	newRoute("TagResource", http.MethodPost, "tag", tagResource),
	newRoute("GetResourceTags", http.MethodGet, "tag", getResourceTags),
	newRoute("UntagResource", http.MethodDelete, "tag", untagResource),

	newRoute("GetAccountSettings", http.MethodGet, "account-settings", getAccountSettings),
	newRoute("ListReservedCapacities", http.MethodGet, "reservedCapacities", listReservedCapacities),
	newRoute("GetAccountConfigs", http.MethodGet, "accountConfigs", getAccountConfigs),
	newRoute("GetTempBucketToken", http.MethodGet, "tempBucketToken", getTempBucketToken),
}

// proxyPath is where HTTP triggers are served (proxy.go).
const proxyPath = apiPrefix + "proxy/"

// parseRequest finds the route of method and the decoded path and fills a
// call with the path's names. Errors are *fc.APIError: 404 NotFound for a
// path that names no operation, 405 for a known path with another method,
// 400 for a qualifier where the operation takes none.
func parseRequest(method, path string) (*route, *call, error) {
	rest, ok := strings.CutPrefix(path, apiPrefix)
	if !ok {
		return nil, nil, fc.NewError(fc.CodeNotFound, "path %q names no operation of the %s API", path, fc.APIVersion)
	}
	rest = strings.TrimSuffix(rest, "/")
	segs := strings.Split(rest, "/")
	pathMatched := false
	for i := range routes {
		rt := &routes[i]
		c, qualified, ok := rt.match(segs)
		if !ok {
			continue
		}
		if rt.method != method {
			pathMatched = true
			continue
		}
		if qualified && !rt.qualified {
			return nil, nil, invalid("%s takes no qualifier: use /services/%s without .%s", rt.op, c.service, c.qualifier)
		}
		if qualified && c.qualifier == "" {
			return nil, nil, invalid("%s: the qualifier after %q is empty", rt.op, c.service+".")
		}
		return rt, c, nil
	}
	if pathMatched {
		return nil, nil, fc.NewError(fc.CodeMethodNotAllowed, "method %s is not allowed on %s", method, path)
	}
	return nil, nil, fc.NewError(fc.CodeNotFound, "path %q names no operation of the %s API", path, fc.APIVersion)
}

// match reports whether segs fit the route's pattern and returns the names
// it carries. qualified says the service segment had a ".qualifier".
func (rt *route) match(segs []string) (c *call, qualified, ok bool) {
	if len(segs) != len(rt.pattern) {
		return nil, false, false
	}
	for i, p := range rt.pattern {
		if p[0] != '{' && p != segs[i] {
			return nil, false, false
		}
	}
	c = &call{}
	for i, p := range rt.pattern {
		v := segs[i]
		if p[0] == '{' && v == "" {
			return nil, false, false
		}
		switch p {
		case "{service}":
			// Names never contain '.', so the first one starts the qualifier.
			if name, q, found := strings.Cut(v, "."); found {
				c.service, c.qualifier, qualified = name, q, true
			} else {
				c.service = v
			}
		case "{function}":
			c.function = v
		case "{trigger}":
			c.trigger = v
		case "{version}":
			c.version = v
		case "{alias}":
			c.alias = v
		case "{token}":
			c.token = v
		case "{domain}":
			c.domain = v
		}
	}
	return c, qualified, true
}
