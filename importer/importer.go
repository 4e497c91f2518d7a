package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// API is what Import reads.
type API interface {
	GetService(ctx context.Context, service, qualifier string) (*fc.Service, error)
	ListAllServices(ctx context.Context, prefix string) ([]fc.Service, error)
	ListAllFunctions(ctx context.Context, service, qualifier string) ([]fc.Function, error)
	ListAllTriggers(ctx context.Context, service, function string) ([]fc.Trigger, error)
	ListAllVersions(ctx context.Context, service string) ([]fc.Version, error)
	ListAllAliases(ctx context.Context, service string) ([]fc.Alias, error)
	GetFunctionCode(ctx context.Context, service, qualifier, function string) (*fc.FunctionCode, error)
	DownloadCode(ctx context.Context, code *fc.FunctionCode) ([]byte, error)
}

// domainLister, provisionLister and asyncLister are read when the API
// offers them: a fake API without today's kinds imports without them.
type domainLister interface {
	ListAllCustomDomains(ctx context.Context, prefix string) ([]fc.CustomDomain, error)
}

type provisionLister interface {
	ListAllProvisionConfigs(ctx context.Context, service, alias string) ([]fc.ProvisionConfig, error)
}

// tagger reads and sets service tags, when the API offers them: import
// writes a service's own tags into the manifest and claims the services it
// imports for the project (the fcdeploy:project tag), which is how plans
// tell a project's services from others'.
type tagger interface {
	GetResourceTags(ctx context.Context, resourceARN string) (*fc.ResourceTags, error)
	TagResource(ctx context.Context, in fc.TagResourceInput) error
}

// ProjectTag is the tag by which fcdeploy knows a service's project.
const ProjectTag = "fcdeploy:project"

type asyncLister interface {
	ListAllFunctionAsyncInvokeConfigs(ctx context.Context, service, function string) ([]fc.AsyncConfig, error)
}

// ManifestName is the manifest Import writes in its directory.
const ManifestName = "fcdeploy.yaml"

// Options tune Import.
type Options struct {
	// Dir is the project directory to write.
	Dir string
	// Services limits the import to these services; empty: all.
	Services []string
	// Force overwrites an existing manifest (and the code directories of
	// the imported functions).
	Force bool
	// Project names the project; empty: the directory's name.
	Project string
	// Source names the account read, for the manifest's header.
	Source string
	// Environments, when set, is written as the manifest's environments:
	// (a mapping node), so that plans reach the same account.
	Environments *yaml.Node
	// Region and AccountID are the target's: an async destination ARN
	// naming an imported function there is written SERVICE/FUNCTION,
	// which plans resolve to the same ARN. Empty: any region or account.
	Region, AccountID string
}

// Secret is an environment variable that was not written.
type Secret struct {
	// Env is the variable of fcdeploy's environment to set.
	Env string
	// Functions lists SERVICE/FUNCTION:KEY that read it.
	Functions []string
}

// Result says what was imported.
type Result struct {
	Manifest                      string
	Project                       string
	Services, Functions, Triggers int
	Aliases                       int
	CustomDomains, AsyncConfigs   int
	ProvisionConfigs              int
	Secrets                       []Secret
	// Notes lists what was not imported, for the user.
	Notes []string
	// Claimed lists the services import tagged as the project's own;
	// Owned the ones another project's tag already claims.
	Claimed []string
	Owned   []string
}

// secretRE matches names of variables that look secret.
var secretRE = regexp.MustCompile(`(?i)PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH`)

// LooksSecret reports whether an environment variable's name suggests a
// secret value.
func LooksSecret(name string) bool { return secretRE.MatchString(name) }

// Import reads the live services and writes the project into opt.Dir. It
// refuses an existing manifest without opt.Force before writing anything,
// and writes the manifest last, so that an interrupted import leaves no
// manifest pointing at missing code.
func Import(ctx context.Context, api API, opt Options) (*Result, error) {
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, err
	}
	manifestPath := filepath.Join(dir, ManifestName)
	if _, err := os.Stat(manifestPath); err == nil && !opt.Force {
		return nil, fmt.Errorf("%s exists already; nothing was imported (--force overwrites it)", manifestPath)
	}
	services, err := selectServices(ctx, api, opt.Services)
	if err != nil {
		return nil, err
	}
	if len(services) == 0 {
		return nil, errors.New("the account has no service to import")
	}
	im := &importer{api: api, dir: dir, force: opt.Force, res: &Result{Manifest: manifestPath}, secrets: map[string]*secretUse{},
		region: opt.Region, account: opt.AccountID, functions: map[string]bool{}}
	root := mapping()
	tags, err := readTags(ctx, api, services)
	if err != nil {
		return nil, err
	}
	project := opt.Project
	if project == "" {
		project = ownerOf(tags)
	}
	if project == "" {
		project = projectName(filepath.Base(dir))
	}
	set(root, "project", str(project))
	im.res.Project = project
	if opt.Environments != nil && len(opt.Environments.Content) > 0 {
		set(root, "environments", opt.Environments)
	}
	svcs := mapping()
	for i := range services {
		n, err := im.service(ctx, &services[i])
		if err != nil {
			return nil, err
		}
		if own := userTags(tags[services[i].ServiceName]); own != nil {
			set(n, "tags", own)
		}
		set(svcs, services[i].ServiceName, n)
	}
	set(root, "services", svcs)
	im.resolveDestinations()
	domains, err := im.customDomains(ctx)
	if err != nil {
		return nil, err
	}
	if domains != nil {
		set(root, "customDomains", domains)
	}
	for _, name := range slices.Sorted(maps.Keys(im.secrets)) {
		u := im.secrets[name]
		im.res.Secrets = append(im.res.Secrets, Secret{Env: name, Functions: u.functions})
	}
	var buf bytes.Buffer
	if opt.Source != "" {
		fmt.Fprintf(&buf, "# Imported from %s by fcdeploy import.\n", opt.Source)
	} else {
		fmt.Fprintf(&buf, "# Imported from the live account by fcdeploy import.\n")
	}
	if len(im.res.Secrets) > 0 {
		fmt.Fprintf(&buf, "# Secret-looking environment variables were not written: set these before planning:\n")
		for _, s := range im.res.Secrets {
			fmt.Fprintf(&buf, "#   %s (%s)\n", s.Env, strings.Join(s.Functions, ", "))
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("writing %s: %w", manifestPath, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp := manifestPath + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, manifestPath); err != nil {
		return nil, err
	}
	if err := im.claim(ctx, api, services, tags, project); err != nil {
		return im.res, err
	}
	return im.res, nil
}

// readTags reads each service's tags; nil when the API has no tags.
func readTags(ctx context.Context, api API, services []fc.Service) (map[string]map[string]string, error) {
	tg, ok := api.(tagger)
	if !ok {
		return nil, nil
	}
	out := make(map[string]map[string]string, len(services))
	for _, s := range services {
		t, err := tg.GetResourceTags(ctx, "services/"+s.ServiceName)
		if err != nil {
			return nil, fmt.Errorf("service %s: reading its tags: %w", s.ServiceName, err)
		}
		out[s.ServiceName] = t.Tags
	}
	return out, nil
}

// userTags is the node of a service's own tags, fcdeploy's left out (the
// plan sets those); nil when there are none.
func userTags(tags map[string]string) *yaml.Node {
	n := mapping()
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if !strings.HasPrefix(k, "fcdeploy:") {
			set(n, k, str(tags[k]))
		}
	}
	if len(n.Content) == 0 {
		return nil
	}
	return n
}

// claim tags the imported services that no project claims yet as the
// project's own, once the manifest is written: importing a service is
// adopting it, so the first plan after import has nothing to change. A
// service another project claims keeps its tag: the plan shows its
// adoption, which only apply --force-adopt carries out.
func (im *importer) claim(ctx context.Context, api API, services []fc.Service, tags map[string]map[string]string, project string) error {
	tg, ok := api.(tagger)
	if !ok {
		return nil
	}
	for _, s := range services {
		switch owner := tags[s.ServiceName][ProjectTag]; owner {
		case project:
		case "":
			in := fc.TagResourceInput{ResourceARN: "services/" + s.ServiceName, Tags: map[string]string{ProjectTag: project}}
			if err := tg.TagResource(ctx, in); err != nil {
				return fmt.Errorf("service %s: tagging it as project %s's: %w", s.ServiceName, project, err)
			}
			im.res.Claimed = append(im.res.Claimed, s.ServiceName)
		default:
			im.res.Owned = append(im.res.Owned, s.ServiceName+" (project "+owner+")")
		}
	}
	return nil
}

// ownerOf is the project whose tag every tagged service carries, or ""
// when none is tagged or they belong to different projects. Importing a
// project's services keeps its name: under another name, its plans would
// adopt them from it (and apply would need --force-adopt).
func ownerOf(tags map[string]map[string]string) string {
	owner := ""
	for _, t := range tags {
		switch v := t[ProjectTag]; {
		case v == "":
		case owner == "":
			owner = v
		case owner != v:
			return ""
		}
	}
	return owner
}

// selectServices lists the services to import, in name order; a named
// service that does not exist is an error.
func selectServices(ctx context.Context, api API, names []string) ([]fc.Service, error) {
	if len(names) == 0 {
		all, err := api.ListAllServices(ctx, "")
		if err != nil {
			return nil, fmt.Errorf("listing services: %w", err)
		}
		slices.SortFunc(all, func(a, b fc.Service) int { return strings.Compare(a.ServiceName, b.ServiceName) })
		return all, nil
	}
	var out []fc.Service
	for _, n := range slices.Compact(slices.Sorted(slices.Values(names))) {
		s, err := api.GetService(ctx, n, "")
		if fc.IsNotFound(err) {
			return nil, fmt.Errorf("service %s: not found in the account; nothing was imported", n)
		}
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", n, err)
		}
		out = append(out, *s)
	}
	return out, nil
}

type secretUse struct {
	value     string
	functions []string
}

type importer struct {
	api     API
	dir     string
	force   bool
	res     *Result
	secrets map[string]*secretUse
	// region and account are the target's, when known.
	region, account string
	// functions holds SERVICE/FUNCTION of every imported function, for
	// routes and destinations.
	functions map[string]bool
	// destinations are the destination nodes written as ARNs, resolved
	// once every function is known.
	destinations []*yaml.Node
}

func (im *importer) service(ctx context.Context, s *fc.Service) (*yaml.Node, error) {
	name := s.ServiceName
	n := mapping()
	set(n, "description", str(s.Description))
	if s.Role != "" {
		set(n, "role", str(s.Role))
	}
	set(n, "internetAccess", boolean(s.InternetAccess))
	if s.LogConfig.Project != "" || s.LogConfig.Logstore != "" {
		set(n, "logConfig", toNode(s.LogConfig))
	}
	if s.VPCConfig.VPCID != "" {
		set(n, "vpcConfig", toNode(s.VPCConfig))
	}
	if len(s.NASConfig.MountPoints) > 0 {
		set(n, "nasConfig", toNode(s.NASConfig))
	}
	if s.TracingConfig.Type != "" {
		set(n, "tracingConfig", toNode(s.TracingConfig))
	}
	if len(s.OSSMountConfig.MountPoints) > 0 {
		set(n, "ossMountConfig", toNode(s.OSSMountConfig))
	}
	versions, err := im.api.ListAllVersions(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("service %s: listing versions: %w", name, err)
	}
	if len(versions) > 0 {
		p := boolean(true)
		p.LineComment = "the service has versions: publish one whenever its content changes"
		set(n, "publish", p)
	}
	aliases, err := im.api.ListAllAliases(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("service %s: listing aliases: %w", name, err)
	}
	aliasNodes := map[string]*yaml.Node{}
	if len(aliases) > 0 {
		am := mapping()
		slices.SortFunc(aliases, func(a, b fc.Alias) int { return strings.Compare(a.AliasName, b.AliasName) })
		for _, a := range aliases {
			an := mapping()
			v := str(a.VersionID)
			v.LineComment = "pinned to the live version; write latest to follow new versions"
			set(an, "version", v)
			if a.Description != "" {
				set(an, "description", str(a.Description))
			}
			if len(a.AdditionalVersionWeight) > 0 {
				set(an, "additionalVersionWeight", toNode(a.AdditionalVersionWeight))
			}
			set(am, a.AliasName, an)
			aliasNodes[a.AliasName] = an
			im.res.Aliases++
		}
		set(n, "aliases", am)
	}
	fns, err := im.api.ListAllFunctions(ctx, name, "")
	if err != nil {
		return nil, fmt.Errorf("service %s: listing functions: %w", name, err)
	}
	slices.SortFunc(fns, func(a, b fc.Function) int { return strings.Compare(a.FunctionName, b.FunctionName) })
	if len(fns) > 0 {
		fm := mapping()
		for i := range fns {
			f, err := im.function(ctx, name, &fns[i])
			if err != nil {
				return nil, err
			}
			set(fm, fns[i].FunctionName, f)
		}
		set(n, "functions", fm)
	}
	if err := im.provisions(ctx, name, fns, aliasNodes); err != nil {
		return nil, err
	}
	im.res.Services++
	return n, nil
}

// functionSkip are function fields that are not configuration, or are
// written on their own.
var functionSkip = []string{
	"functionId", "functionName", "codeChecksum", "codeSize", "createdTime", "lastModifiedTime",
	"environmentVariables", "runtime", "handler", "memorySize", "timeout", "description",
}

func (im *importer) function(ctx context.Context, service string, f *fc.Function) (*yaml.Node, error) {
	subject := "function " + service + "/" + f.FunctionName
	n := mapping()
	set(n, "runtime", str(f.Runtime))
	set(n, "handler", str(f.Handler))
	if f.Runtime != "custom-container" {
		rel := filepath.ToSlash(filepath.Join("functions", service, f.FunctionName))
		if err := im.code(ctx, service, f, filepath.Join(im.dir, rel)); err != nil {
			return nil, fmt.Errorf("%s: %w", subject, err)
		}
		set(n, "code", str("./"+rel))
	}
	set(n, "memorySize", integer(int64(f.MemorySize)))
	set(n, "timeout", integer(int64(f.Timeout)))
	set(n, "description", str(f.Description))
	// The other fields as the API names them, which is how fcdeploy.yaml
	// names them too; zero values are left out (not managed, or defaults).
	var all map[string]any
	b, _ := json.Marshal(f)
	_ = json.Unmarshal(b, &all)
	for _, k := range slices.Sorted(maps.Keys(all)) {
		if slices.Contains(functionSkip, k) || isZero(all[k]) {
			continue
		}
		set(n, k, toNode(pruneZero(all[k])))
	}
	env := mapping()
	for _, k := range slices.Sorted(maps.Keys(f.EnvironmentVariables)) {
		v := f.EnvironmentVariables[k]
		if !LooksSecret(k) {
			set(env, k, str(v))
			continue
		}
		name := im.secretName(service, f.FunctionName, k, v)
		ref := str("${env." + name + "}")
		ref.LineComment = "secret: set " + name + " to the live value"
		set(env, k, ref)
	}
	if len(env.Content) > 0 {
		set(n, "environmentVariables", env)
	}
	trigs, err := im.api.ListAllTriggers(ctx, service, f.FunctionName)
	if err != nil {
		return nil, fmt.Errorf("%s: listing triggers: %w", subject, err)
	}
	slices.SortFunc(trigs, func(a, b fc.Trigger) int { return strings.Compare(a.TriggerName, b.TriggerName) })
	if len(trigs) > 0 {
		tm := mapping()
		for _, t := range trigs {
			tn := mapping()
			set(tn, "type", str(t.TriggerType))
			if t.Qualifier != "" && t.Qualifier != fc.QualifierLatest {
				set(tn, "qualifier", str(t.Qualifier))
			}
			if t.SourceARN != "" {
				set(tn, "sourceArn", str(t.SourceARN))
			}
			if t.InvocationRole != "" {
				set(tn, "invocationRole", str(t.InvocationRole))
			}
			var cfg any = map[string]any{}
			if len(t.TriggerConfig) > 0 {
				if err := json.Unmarshal(t.TriggerConfig, &cfg); err != nil {
					return nil, fmt.Errorf("trigger %s/%s/%s: its triggerConfig is not JSON: %w", service, f.FunctionName, t.TriggerName, err)
				}
			}
			if m, ok := cfg.(map[string]any); ok && t.TriggerType == "timer" {
				if _, has := m["enable"]; !has {
					// Absent is a disabled timer live, while the manifest
					// reads an absent enable as true.
					m["enable"] = false
				}
			}
			set(tn, "config", toNode(cfg))
			set(tm, t.TriggerName, tn)
			im.res.Triggers++
		}
		set(n, "triggers", tm)
	}
	if err := im.asyncConfig(ctx, service, f.FunctionName, n); err != nil {
		return nil, err
	}
	im.functions[service+"/"+f.FunctionName] = true
	im.res.Functions++
	return n, nil
}

// provisions writes the live provision configs of a service's aliases as
// their provision: N when every function has the same target, else as
// {FUNCTION: N} for the provisioned ones. A config of an alias or function
// that was not imported stays a note.
func (im *importer) provisions(ctx context.Context, service string, fns []fc.Function, aliases map[string]*yaml.Node) error {
	pl, ok := im.api.(provisionLister)
	if !ok {
		return nil
	}
	cfgs, err := pl.ListAllProvisionConfigs(ctx, service, "")
	if err != nil {
		return fmt.Errorf("service %s: listing provision configs: %w", service, err)
	}
	declared := map[string]bool{}
	for _, f := range fns {
		declared[f.FunctionName] = true
	}
	targets := map[string]map[string]int64{} // alias -> function -> target
	for _, c := range cfgs {
		parts := strings.Split(c.Resource, "#")
		if c.Target <= 0 || len(parts) != 4 || parts[1] != service {
			continue
		}
		alias, fn := parts[2], parts[3]
		if aliases[alias] == nil || !declared[fn] {
			im.res.Notes = append(im.res.Notes, fmt.Sprintf("%s/%s has %d provisioned instances at %s: not imported, %s is not an imported alias and function; they stay as they are live", service, fn, c.Target, alias, alias))
			continue
		}
		if targets[alias] == nil {
			targets[alias] = map[string]int64{}
		}
		targets[alias][fn] = c.Target
	}
	for _, alias := range slices.Sorted(maps.Keys(targets)) {
		t := targets[alias]
		var same int64 = -1
		for _, f := range fns {
			if n := t[f.FunctionName]; same == -1 {
				same = n
			} else if n != same {
				same = 0
			}
		}
		if same > 0 {
			set(aliases[alias], "provision", integer(same))
		} else {
			pm := mapping()
			for _, fn := range slices.Sorted(maps.Keys(t)) {
				set(pm, fn, integer(t[fn]))
			}
			set(aliases[alias], "provision", pm)
		}
		im.res.ProvisionConfigs += len(t)
	}
	return nil
}

// asyncConfig writes a function's async invoke config: the manifest holds
// one per function, so the LATEST one (or else the first by qualifier) is
// written and any other stays a note.
func (im *importer) asyncConfig(ctx context.Context, service, function string, n *yaml.Node) error {
	al, ok := im.api.(asyncLister)
	if !ok {
		return nil
	}
	cfgs, err := al.ListAllFunctionAsyncInvokeConfigs(ctx, service, function)
	if fc.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("function %s/%s: listing async invoke configs: %w", service, function, err)
	}
	if len(cfgs) == 0 {
		return nil
	}
	q := func(c fc.AsyncConfig) string {
		if c.Qualifier == "" {
			return fc.QualifierLatest
		}
		return c.Qualifier
	}
	slices.SortFunc(cfgs, func(a, b fc.AsyncConfig) int {
		switch qa, qb := q(a), q(b); {
		case qa == qb:
			return 0
		case qa == fc.QualifierLatest:
			return -1
		case qb == fc.QualifierLatest:
			return 1
		default:
			return strings.Compare(qa, qb)
		}
	})
	for _, c := range cfgs[1:] {
		im.res.Notes = append(im.res.Notes, fmt.Sprintf("function %s/%s has another async invoke config (qualifier %s): not imported, fcdeploy.yaml holds one per function (%s's was); it stays as it is live", service, function, q(c), q(cfgs[0])))
	}
	c := cfgs[0]
	an := mapping()
	if q(c) != fc.QualifierLatest {
		set(an, "qualifier", str(c.Qualifier))
	}
	if c.MaxAsyncRetryAttempts != nil {
		set(an, "maxAsyncRetryAttempts", integer(*c.MaxAsyncRetryAttempts))
	}
	if c.MaxAsyncEventAgeInSeconds != nil {
		set(an, "maxAsyncEventAgeInSeconds", integer(*c.MaxAsyncEventAgeInSeconds))
	}
	if c.StatefulInvocation {
		set(an, "statefulInvocation", boolean(true))
	}
	dn := mapping()
	for _, side := range []struct {
		name string
		d    *fc.Destination
	}{{"onSuccess", c.DestinationConfig.OnSuccess}, {"onFailure", c.DestinationConfig.OnFailure}} {
		if side.d == nil || side.d.Destination == "" {
			continue
		}
		v := str(side.d.Destination)
		im.destinations = append(im.destinations, v)
		set(dn, side.name, v)
	}
	if len(dn.Content) > 0 {
		set(an, "destinations", dn)
	}
	set(n, "asyncInvokeConfig", an)
	im.res.AsyncConfigs++
	return nil
}

// resolveDestinations writes SERVICE/FUNCTION for destination ARNs that
// name an imported function at LATEST in the target's region and account:
// plans resolve that to the same ARN, and it follows the project.
func (im *importer) resolveDestinations() {
	for _, v := range im.destinations {
		d, err := fc.ParseDestinationARN(v.Value)
		if err != nil || d.Kind != fc.DestinationFC || d.Qualifier != "" {
			continue
		}
		if im.region != "" && d.Region != im.region || im.account != "" && d.AccountID != im.account {
			continue
		}
		if im.functions[d.Service+"/"+d.Function] {
			v.Value = d.Service + "/" + d.Function
		}
	}
}

// customDomains writes the live custom domains whose every route points at
// an imported function; the others, and those the manifest cannot manage
// (HTTPS, rewrites), stay notes. nil when there is none to write.
func (im *importer) customDomains(ctx context.Context) (*yaml.Node, error) {
	dl, ok := im.api.(domainLister)
	if !ok {
		return nil, nil
	}
	domains, err := dl.ListAllCustomDomains(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("listing custom domains: %w", err)
	}
	slices.SortFunc(domains, func(a, b fc.CustomDomain) int { return strings.Compare(a.DomainName, b.DomainName) })
	out := mapping()
	for _, d := range domains {
		var outside, imported []string
		rewrites := false
		for _, r := range d.RouteConfig.Routes {
			ref := r.ServiceName + "/" + r.FunctionName
			if im.functions[ref] {
				imported = append(imported, ref)
			} else {
				outside = append(outside, ref)
			}
			rewrites = rewrites || r.RewriteConfig != nil && !isZero(jsonValue(r.RewriteConfig))
		}
		switch {
		case len(imported) == 0:
			continue
		case len(outside) > 0:
			im.res.Notes = append(im.res.Notes, fmt.Sprintf("custom domain %s: not imported, it also routes to %s, which was not imported; it stays as it is live", d.DomainName, strings.Join(outside, ", ")))
			continue
		case fc.ServesHTTPS(d.Protocol):
			im.res.Notes = append(im.res.Notes, fmt.Sprintf("custom domain %s: not imported, it serves %s and fcdeploy.yaml manages HTTP domains only (no certificates); it stays as it is live", d.DomainName, d.Protocol))
			continue
		case rewrites:
			im.res.Notes = append(im.res.Notes, fmt.Sprintf("custom domain %s: not imported, a route has a rewriteConfig, which fcdeploy.yaml cannot describe; it stays as it is live", d.DomainName))
			continue
		}
		dn := mapping()
		protocol := d.Protocol
		if protocol == "" {
			protocol = fc.ProtocolHTTP
		}
		set(dn, "protocol", str(protocol))
		routes := &yaml.Node{Kind: yaml.SequenceNode}
		for _, r := range d.RouteConfig.Routes {
			rn := mapping()
			rn.Style = yaml.FlowStyle
			set(rn, "path", str(r.Path))
			set(rn, "service", str(r.ServiceName))
			set(rn, "function", str(r.FunctionName))
			if r.Qualifier != "" {
				set(rn, "qualifier", str(r.Qualifier))
			}
			if len(r.Methods) > 0 {
				set(rn, "methods", toNode(r.Methods))
			}
			routes.Content = append(routes.Content, rn)
		}
		set(dn, "routes", routes)
		set(out, d.DomainName, dn)
		im.res.CustomDomains++
	}
	if len(out.Content) == 0 {
		return nil, nil
	}
	return out, nil
}

// jsonValue is v as encoding/json reads it back.
func jsonValue(v any) any {
	b, _ := json.Marshal(v)
	var x any
	_ = json.Unmarshal(b, &x)
	return x
}

// secretName picks the fcdeploy environment variable for a secret: its own
// name, unless another function's variable of that name has another value.
func (im *importer) secretName(service, function, key, value string) string {
	where := service + "/" + function + ":" + key
	for _, name := range []string{key, envName(service + "_" + function + "_" + key)} {
		u := im.secrets[name]
		if u == nil {
			im.secrets[name] = &secretUse{value: value, functions: []string{where}}
			return name
		}
		if u.value == value {
			u.functions = append(u.functions, where)
			return name
		}
	}
	return envName(service + "_" + function + "_" + key)
}

var envCleanRE = regexp.MustCompile(`[^A-Za-z0-9_]+`)

func envName(s string) string { return strings.ToUpper(envCleanRE.ReplaceAllString(s, "_")) }

var nameCleanRE = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func projectName(s string) string {
	s = strings.Trim(nameCleanRE.ReplaceAllString(s, "-"), "-")
	if s == "" {
		return "imported"
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
		s = "p-" + s
	}
	return s
}

// isZero reports whether a JSON value is empty: "", 0, false, null, [] or
// an object of empty values.
func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, e := range x {
			if !isZero(e) {
				return false
			}
		}
		return true
	}
	return false
}

// pruneZero drops empty members of objects (not of lists).
func pruneZero(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if !isZero(e) {
				out[k] = pruneZero(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = pruneZero(e)
		}
		return out
	}
	return v
}

// toNode turns a Go or JSON value into a YAML node with sorted keys.
func toNode(v any) *yaml.Node {
	b, _ := json.Marshal(v)
	var x any
	_ = json.Unmarshal(b, &x)
	return jsonNode(x)
}

func jsonNode(v any) *yaml.Node {
	switch x := v.(type) {
	case map[string]any:
		m := mapping()
		for _, k := range slices.Sorted(maps.Keys(x)) {
			set(m, k, jsonNode(x[k]))
		}
		return m
	case []any:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			s.Content = append(s.Content, jsonNode(e))
		}
		return s
	case string:
		return str(x)
	case bool:
		return boolean(x)
	case float64:
		if x == float64(int64(x)) {
			return integer(int64(x))
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(x, 'f', -1, 64)}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func integer(n int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(n, 10)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func set(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}
