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

// domainLister and asyncLister are read when the API offers them, to name
// what the manifest cannot describe yet.
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
	im := &importer{api: api, dir: dir, force: opt.Force, res: &Result{Manifest: manifestPath}, secrets: map[string]*secretUse{}}
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
	if err := im.domainNotes(ctx, services); err != nil {
		return nil, err
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
	if pl, ok := im.api.(provisionLister); ok {
		cfgs, err := pl.ListAllProvisionConfigs(ctx, name, "")
		if err != nil {
			return nil, fmt.Errorf("service %s: listing provision configs: %w", name, err)
		}
		for _, c := range cfgs {
			if c.Target > 0 {
				im.res.Notes = append(im.res.Notes, fmt.Sprintf("%s has %d provisioned instances: not imported, fcdeploy.yaml has no provision configs yet; they stay as they are live", c.Resource, c.Target))
			}
		}
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
	if al, ok := im.api.(asyncLister); ok {
		cfgs, err := al.ListAllFunctionAsyncInvokeConfigs(ctx, service, f.FunctionName)
		if err != nil {
			return nil, fmt.Errorf("%s: listing async invoke configs: %w", subject, err)
		}
		for _, c := range cfgs {
			q := c.Qualifier
			if q == "" {
				q = fc.QualifierLatest
			}
			im.res.Notes = append(im.res.Notes, fmt.Sprintf("%s has an async invoke config (qualifier %s): not imported, fcdeploy.yaml has no async configs yet; it stays as it is live", subject, q))
		}
	}
	im.res.Functions++
	return n, nil
}

// domainNotes names the custom domains routing to imported services: the
// manifest cannot describe them yet, and they stay as they are live.
func (im *importer) domainNotes(ctx context.Context, services []fc.Service) error {
	dl, ok := im.api.(domainLister)
	if !ok {
		return nil
	}
	domains, err := dl.ListAllCustomDomains(ctx, "")
	if err != nil {
		return fmt.Errorf("listing custom domains: %w", err)
	}
	imported := map[string]bool{}
	for _, s := range services {
		imported[s.ServiceName] = true
	}
	for _, d := range domains {
		for _, r := range d.RouteConfig.Routes {
			if imported[r.ServiceName] {
				im.res.Notes = append(im.res.Notes, fmt.Sprintf("custom domain %s routes %s to %s/%s: not imported, fcdeploy.yaml has no custom domains yet; it stays as it is live", d.DomainName, r.Path, r.ServiceName, r.FunctionName))
				break
			}
		}
	}
	return nil
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
