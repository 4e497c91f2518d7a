package convert

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// isFuncraft recognises a Funcraft (ROS-style) template.
func isFuncraft(root *yaml.Node) bool {
	if t := get(root, "Transform"); isScalar(t) && strings.HasPrefix(t.Value, "Aliyun::Serverless") {
		return true
	}
	return get(root, "ROSTemplateFormatVersion") != nil && get(root, "Resources") != nil
}

// funcraftState is the state of a template's conversion.
type funcraftState struct {
	*conv
	params map[string]bool
	// globals are the Globals.Function properties every function gets
	// unless it sets them.
	globals *yaml.Node
	// funignore is the template directory's .funignore, nil without one.
	funignore []byte
}

func (c *conv) funcraft(root *yaml.Node) (*yaml.Node, error) {
	f := &funcraftState{conv: c, params: map[string]bool{}}
	if data, err := os.ReadFile(filepath.Join(c.dir, ".funignore")); err == nil {
		f.funignore = data
	}
	manifest := mapping()
	set(manifest, "project", str(projectName(filepath.Base(c.outDir))))
	vars := mapping()
	pairs(resolve(get(root, "Parameters")), func(k, v *yaml.Node) {
		f.params[k.Value] = true
		v = resolve(v)
		if d := resolve(get(v, "Default")); d != nil && d.Kind == yaml.ScalarNode {
			n := copyNode(d)
			n.HeadComment = "Parameter " + k.Value
			if desc := get(v, "Description"); isScalar(desc) {
				n.HeadComment += ": " + desc.Value
			}
			set(vars, k.Value, n)
			return
		}
		n := str("${env." + k.Value + "}")
		n.LineComment = "parameter without a default: set " + k.Value + " in the environment"
		set(vars, k.Value, n)
	})
	pairs(root, func(k, v *yaml.Node) {
		switch k.Value {
		case "ROSTemplateFormatVersion", "Transform", "Parameters", "Resources", "Description":
		case "Globals":
			pairs(resolve(v), func(gk, gv *yaml.Node) {
				if gk.Value == "Function" {
					f.globals = resolve(gv)
				} else {
					c.leftOut(gk, "Globals."+gk.Value, "only Globals.Function is applied: copy these settings where they belong")
				}
			})
		default:
			c.leftOut(k, "top-level "+k.Value, "fcdeploy.yaml has no such section: drop it")
		}
	})
	services := mapping()
	pairs(resolve(get(root, "Resources")), func(k, v *yaml.Node) {
		v = resolve(v)
		typ := get(v, "Type")
		switch {
		case typ == nil || !isScalar(typ):
			c.leftOut(k, "resource "+k.Value+" has no Type", "give it one or remove it")
		case typ.Value == "Aliyun::Serverless::Service":
			if s := f.service(k, v); s != nil {
				set(services, k.Value, s)
			}
		case typ.Value == "Aliyun::Serverless::CustomDomain":
			f.customDomain(k, v)
		default:
			c.leftOut(typ, "resource "+k.Value+" of type "+typ.Value, "not a Function Compute service: manage it with the tool of its product (ROS, the console)")
		}
	})
	if c.accountVars {
		if get(vars, "accountId") == nil {
			n := str("${env.ACCOUNT_ID}")
			n.HeadComment = "Trigger source ARNs name the account and region, which Funcraft read\nfrom ACCOUNT_ID and REGION (or ~/.fcli/config.yaml)."
			set(vars, "accountId", n)
		}
		if get(vars, "region") == nil {
			set(vars, "region", str("${env.REGION}"))
		}
	}
	if len(vars.Content) > 0 {
		set(manifest, "vars", vars)
	}
	set(manifest, "services", services)
	if d := c.domainsNode(services); d != nil {
		set(manifest, "customDomains", d)
	}
	return manifest, nil
}

// customDomain reads an Aliyun::Serverless::CustomDomain: DomainName (the
// resource's name when absent), Protocol, RouteConfig.Routes keyed by
// path; CertConfig is reported.
func (f *funcraftState) customDomain(k, v *yaml.Node) {
	c := f.conv
	props := resolve(get(v, "Properties"))
	d := domain{at: k, name: k.Value}
	if n := resolve(get(props, "DomainName")); n != nil {
		if !isScalar(n) {
			c.leftOut(n, "custom domain "+k.Value+": DomainName is not a name", "write the domain name itself")
			return
		}
		d.name = n.Value
	}
	if p := resolve(get(props, "Protocol")); isScalar(p) {
		d.protocol = p.Value
	}
	if cert := keyNode(props, "CertConfig"); cert != nil && !fc.ServesHTTPS(d.protocol) {
		c.leftOut(cert, "custom domain "+d.name+": CertConfig", "fcdeploy.yaml manages HTTP domains without certificates: drop it, or keep the domain in the console")
	}
	ok := true
	pairs(resolve(get(resolve(get(props, "RouteConfig")), "Routes")), func(pk, pv *yaml.Node) {
		pv = resolve(pv)
		r := route{at: pk, path: pk.Value}
		for _, field := range []struct {
			key string
			dst *string
		}{{"ServiceName", &r.service}, {"FunctionName", &r.function}, {"Qualifier", &r.qualifier}} {
			key, dst := field.key, field.dst
			if n := resolve(get(pv, key)); n != nil {
				if !isScalar(n) {
					c.leftOut(n, "custom domain "+d.name+" route "+pk.Value+": "+key+" is not a name", "write the name itself; the domain is left out")
					ok = false
				}
				*dst = n.Value
			}
		}
		ms, mok := scalars(get(pv, "Methods"))
		if !mok {
			c.leftOut(pk, "custom domain "+d.name+" route "+pk.Value+": Methods is not a list of methods", "write a list such as [GET, POST]; the domain is left out")
			ok = false
		}
		r.methods = ms
		d.routes = append(d.routes, r)
	})
	if d, keep := c.checkDomain(d); ok && keep {
		c.domains = append(c.domains, d)
	}
}

var nameCleanRE = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// nameStartRE is how a manifest name starts (a letter or an underscore).
var nameStartRE = regexp.MustCompile(`^[A-Za-z_]`)

// projectName makes a valid project name of s (a directory's name).
func projectName(s string) string {
	s = nameCleanRE.ReplaceAllString(s, "-")
	s = strings.Trim(s, "-")
	if s == "" {
		return "converted"
	}
	if !nameStartRE.MatchString(s) {
		s = "p-" + s
	}
	return s
}

// subRE finds ${NAME} in a Fn::Sub string.
var subRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// value converts a template value, replacing parameter references with
// ${vars.NAME}. ok is false when it holds something that cannot be
// converted (reported).
func (f *funcraftState) value(n *yaml.Node, where string) (*yaml.Node, bool) {
	n = resolve(n)
	if n == nil {
		return nil, false
	}
	ref := ""
	switch {
	case n.Tag == "!Ref" && n.Kind == yaml.ScalarNode:
		ref = n.Value
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Ref" && isScalar(n.Content[1]):
		ref = n.Content[1].Value
	case n.Tag == "!Sub" && n.Kind == yaml.ScalarNode, n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::Sub" && isScalar(n.Content[1]):
		text := n.Value
		if n.Kind == yaml.MappingNode {
			text = n.Content[1].Value
		}
		ok := true
		out := subRE.ReplaceAllStringFunc(text, func(m string) string {
			name := m[2 : len(m)-1]
			if f.params[name] {
				return "${vars." + name + "}"
			}
			ok = false
			return m
		})
		if !ok {
			f.leftOut(n, where+": "+text, "only parameters can be substituted: write the value")
			return nil, false
		}
		return str(out), true
	case strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"):
		f.leftOut(n, where+": the function "+n.Tag, "write the value it stands for")
		return nil, false
	}
	if ref != "" {
		if !f.params[ref] {
			f.leftOut(n, where+": reference to "+ref, "only parameters can be referenced: write the value")
			return nil, false
		}
		return str("${vars." + ref + "}"), true
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 2 && strings.HasPrefix(n.Content[0].Value, "Fn::") {
			f.leftOut(n, where+": the function "+n.Content[0].Value, "write the value it stands for")
			return nil, false
		}
		return copyChildren(n, where, f.value)
	case yaml.SequenceNode:
		return copyChildren(n, where, f.value)
	}
	return copyNode(n), true
}

// field is one property mapped to a manifest field.
type field struct{ from, to string }

// copyFields copies the listed properties of props into m, reporting
// unknown ones unless known lists them.
func (f *funcraftState) copyFields(m, props *yaml.Node, where string, fields []field, handled ...string) {
	pairs(props, func(k, v *yaml.Node) {
		if slices.Contains(handled, k.Value) {
			return
		}
		for _, fl := range fields {
			if fl.from == k.Value {
				if cv, ok := f.value(v, where+"."+k.Value); ok {
					set(m, fl.to, cv)
				}
				return
			}
		}
		f.leftOut(k, where+": property "+k.Value, "fcdeploy.yaml has no such field: set it in the console or drop it")
	})
}

var serviceFields = []field{
	{"Description", "description"}, {"InternetAccess", "internetAccess"},
}

func (f *funcraftState) service(k, v *yaml.Node) *yaml.Node {
	name := k.Value
	where := "service " + name
	svc := mapping()
	props := resolve(get(v, "Properties"))
	f.copyFields(svc, props, where, serviceFields, "Role", "Policies", "VpcConfig", "LogConfig", "NasConfig", "TracingConfig")
	if r := resolve(get(props, "Role")); r != nil {
		if cv, ok := f.value(r, where+".Role"); ok {
			if isScalar(r) && r.Tag != "!Ref" && !strings.HasPrefix(r.Value, "acs:ram::") {
				f.leftOut(r, where+": Role "+r.Value+" is not an ARN", "write the role's ARN (acs:ram::ACCOUNT:role/NAME)")
			} else {
				set(svc, "role", cv)
			}
		}
	}
	if p := get(props, "Policies"); p != nil {
		f.leftOut(p, where+": Policies", "Funcraft created a RAM role with these policies (aliyunfcgeneratedrole-"+strings.ToLower(name)+"...): create or reuse a role with them and set role: to its ARN")
	}
	if vc := resolve(get(props, "VpcConfig")); vc != nil {
		if isScalar(vc) {
			f.leftOut(vc, where+": VpcConfig: "+vc.Value, "Funcraft created a VPC, vSwitch and security group: set vpcConfig: {vpcId, vSwitchIds, securityGroupId} to the live ones (fcdeploy import reads them)")
		} else {
			f.sub(svc, "vpcConfig", vc, where+".VpcConfig", []field{{"VpcId", "vpcId"}, {"VSwitchIds", "vSwitchIds"}, {"SecurityGroupId", "securityGroupId"}})
		}
	}
	if lc := resolve(get(props, "LogConfig")); lc != nil {
		if isScalar(lc) {
			f.leftOut(lc, where+": LogConfig: "+lc.Value, "Funcraft created a Log Service project and logstore: set logConfig: {project, logstore} to the live ones")
		} else {
			f.sub(svc, "logConfig", lc, where+".LogConfig", []field{{"Project", "project"}, {"Logstore", "logstore"}, {"EnableRequestMetrics", "enableRequestMetrics"}, {"EnableInstanceMetrics", "enableInstanceMetrics"}})
		}
	}
	if nc := resolve(get(props, "NasConfig")); nc != nil {
		auto := isScalar(nc) || (get(nc, "Auto") != nil && get(nc, "Auto").Value == "true")
		if auto {
			f.leftOut(nc, where+": NasConfig: Auto", "Funcraft created a NAS file system and mount target: set nasConfig: {userId, groupId, mountPoints} to the live ones")
		} else {
			out := mapping()
			f.copyFields(out, nc, where+".NasConfig", []field{{"UserId", "userId"}, {"GroupId", "groupId"}}, "MountPoints", "Auto")
			mps := seq()
			for _, mp := range resolve(get(nc, "MountPoints")).Content {
				m := mapping()
				f.copyFields(m, resolve(mp), where+".NasConfig.MountPoints", []field{{"ServerAddr", "serverAddr"}, {"MountDir", "mountDir"}})
				mps.Content = append(mps.Content, m)
			}
			set(out, "mountPoints", mps)
			set(svc, "nasConfig", out)
			f.leftOut(nc, where+": NasConfig", "Funcraft also added the mount directories to each function's LD_LIBRARY_PATH and PYTHONUSERBASE: add them to environmentVariables if the code relies on them")
		}
	}
	if tc := resolve(get(props, "TracingConfig")); isScalar(tc) && tc.Value == "Enable" {
		f.leftOut(tc, where+": TracingConfig: Enable", "Funcraft asked Tracing Analysis for a Jaeger endpoint: set tracingConfig: {type: Jaeger, params: {endpoint: URL}}")
	}
	functions := mapping()
	pairs(v, func(fk, fv *yaml.Node) {
		if fk.Value == "Type" || fk.Value == "Properties" {
			return
		}
		fv = resolve(fv)
		if t := get(fv, "Type"); !isScalar(t) || t.Value != "Aliyun::Serverless::Function" {
			f.leftOut(fk, where+": "+fk.Value+" is not an Aliyun::Serverless::Function", "move it out of the service or remove it")
			return
		}
		if fn := f.function(name, fk, fv); fn != nil {
			set(functions, fk.Value, fn)
		}
	})
	if len(functions.Content) > 0 {
		set(svc, "functions", functions)
	}
	f.services++
	return svc
}

// sub converts a mapping property into a manifest mapping field.
func (f *funcraftState) sub(m *yaml.Node, to string, props *yaml.Node, where string, fields []field) {
	out := mapping()
	f.copyFields(out, props, where, fields)
	set(m, to, out)
}

var functionFields = []field{
	{"Handler", "handler"}, {"Initializer", "initializer"}, {"Runtime", "runtime"},
	{"Description", "description"}, {"Timeout", "timeout"}, {"InitializationTimeout", "initializationTimeout"},
	{"InstanceType", "instanceType"}, {"Layers", "layers"}, {"MemorySize", "memorySize"},
	{"CAPort", "caPort"}, {"InstanceConcurrency", "instanceConcurrency"},
}

func (f *funcraftState) function(service string, k, v *yaml.Node) *yaml.Node {
	name := k.Value
	where := "function " + service + "/" + name
	fn := mapping()
	props := withGlobals(resolve(get(v, "Properties")), f.globals)
	f.copyFields(fn, props, where, functionFields, "CodeUri", "EnvironmentVariables", "InstanceLifecycleConfig", "AsyncConfiguration", "CustomContainerConfig")
	runtime := ""
	if r := get(props, "Runtime"); isScalar(r) {
		runtime = r.Value
	}
	if get(fn, "handler") == nil {
		// The manifest requires a handler; custom containers ignore it.
		set(fn, "handler", str("index.handler"))
	}
	// Funcraft sends these defaults on every deploy.
	if get(fn, "initializationTimeout") == nil {
		set(fn, "initializationTimeout", integer(3))
	}
	if cu := resolve(get(props, "CodeUri")); isScalar(cu) && runtime != "custom-container" {
		f.code(fn, cu, where, runtime)
	}
	if cc := resolve(get(props, "CustomContainerConfig")); cc != nil {
		f.sub(fn, "customContainerConfig", cc, where+".CustomContainerConfig", []field{
			{"Image", "image"}, {"Command", "command"}, {"Args", "args"}, {"InstanceID", "instanceID"},
			{"accelerationType", "accelerationType"}, {"AccelerationType", "accelerationType"},
		})
	}
	if lc := resolve(get(props, "InstanceLifecycleConfig")); lc != nil {
		out := mapping()
		pairs(lc, func(hk, hv *yaml.Node) {
			to := map[string]string{"PreFreeze": "preFreeze", "PreStop": "preStop"}[hk.Value]
			if to == "" {
				f.leftOut(hk, where+": InstanceLifecycleConfig."+hk.Value, "fcdeploy.yaml has no such hook")
				return
			}
			f.sub(out, to, resolve(hv), where+".InstanceLifecycleConfig."+hk.Value, []field{{"Handler", "handler"}, {"Timeout", "timeout"}})
		})
		set(fn, "instanceLifecycleConfig", out)
	}
	if ac := get(props, "AsyncConfiguration"); ac != nil {
		if n := f.conv.asyncConfig(ac, where+": AsyncConfiguration", funcraftAsync); n != nil {
			set(fn, "asyncInvokeConfig", n)
		}
	}
	env := mapping()
	if ev := resolve(get(props, "EnvironmentVariables")); ev != nil {
		if cv, ok := f.value(ev, where+".EnvironmentVariables"); ok {
			env = cv
		}
	}
	f.literalSecrets(resolve(get(props, "EnvironmentVariables")), where)
	funcraftEnv(env)
	env.HeadComment = "Funcraft adds LD_LIBRARY_PATH, PATH, NODE_PATH and PYTHONUSERBASE to every function."
	set(fn, "environmentVariables", env)
	triggers := mapping()
	pairs(resolve(get(v, "Events")), func(ek, ev *yaml.Node) {
		if t := f.event(service, name, ek, resolve(ev)); t != nil {
			set(triggers, ek.Value, t)
			f.triggers++
		}
	})
	if len(triggers.Content) > 0 {
		set(fn, "triggers", triggers)
	}
	f.functions++
	return fn
}

// code converts CodeUri: a local directory or archive, or an OSS object.
func (f *funcraftState) code(fn, cu *yaml.Node, where, runtime string) {
	uri := cu.Value
	if strings.HasPrefix(uri, "oss://") {
		set(fn, "code", str(uri))
		return
	}
	abs := f.absCode(uri)
	st, err := os.Stat(abs)
	if err != nil {
		f.leftOut(cu, where+": CodeUri "+uri+" does not exist", "point code: at the function's code")
		set(fn, "code", str(f.codePath(uri)))
		return
	}
	set(fn, "code", str(f.codePath(uri)))
	if st.IsDir() {
		f.ignoreFile(abs, runtime, cu, where)
	}
}

// funcraftIgnores are what Funcraft never zips, whatever .funignore says.
var funcraftIgnores = []string{".git", ".svn", ".env", ".DS_Store", "template.packaged.yml", ".nas.yml", ".fun/nas", ".fun/tmp", ".fun/package"}

// ignoreFile writes the .fcignore of a code directory so that fcdeploy zips
// what Funcraft zipped: Funcraft's own ignores, those of the runtime, and
// the template directory's .funignore rebased on the code directory.
func (f *funcraftState) ignoreFile(codeDir, runtime string, at *yaml.Node, where string) {
	target := filepath.Join(codeDir, ".fcignore")
	if _, ok := f.files[target]; ok {
		return
	}
	if _, err := os.Stat(target); err == nil {
		f.leftOut(at, where+": "+f.codePath(target)+" exists already", "it was kept: check that it ignores what Funcraft ignored (.funignore, .env, .fun/...)")
		return
	}
	rel, err := filepath.Rel(f.dir, codeDir)
	if err != nil || !filepath.IsLocal(rel) {
		rel = ""
		f.leftOut(at, where+": the code is outside the template's directory", "copy the .funignore patterns that apply to it into its .fcignore")
	}
	rel = filepath.ToSlash(rel)
	var lines []string
	lines = append(lines, "# What Funcraft did not package (its built-in ignores, those of the runtime", "# and .funignore), so that fcdeploy zips the same files.")
	lines = append(lines, rebase(funcraftIgnores, rel)...)
	switch {
	case strings.HasPrefix(runtime, "nodejs"):
		lines = append(lines, rebase([]string{".fun/python"}, rel)...)
	case strings.HasPrefix(runtime, "python"):
		lines = append(lines, rebase([]string{"node_modules"}, rel)...)
	case runtime == "php7.2":
		lines = append(lines, rebase([]string{"node_modules", ".fun/python"}, rel)...)
	}
	if f.funignore != nil {
		lines = append(lines, "# From .funignore:")
		lines = append(lines, rebase(strings.Split(strings.ReplaceAll(string(f.funignore), "\r\n", "\n"), "\n"), rel)...)
	}
	if filepath.Clean(codeDir) == filepath.Clean(f.outDir) {
		lines = append(lines, "# fcdeploy's own files, which Funcraft never saw:", "/"+ManifestName)
	}
	f.files[target] = []byte(strings.Join(lines, "\n") + "\n")
}

// rebase turns gitignore patterns relative to the template directory into
// patterns relative to its subdirectory rel ("" when the same). Patterns
// anchored elsewhere are dropped.
func rebase(patterns []string, rel string) []string {
	var out []string
	for _, p := range patterns {
		t := strings.TrimSpace(p)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		neg := strings.HasPrefix(t, "!")
		body := strings.TrimPrefix(t, "!")
		trimmed := strings.TrimSuffix(body, "/")
		anchored := strings.Contains(trimmed, "/") && !strings.HasPrefix(trimmed, "**/")
		if anchored && rel != "" {
			b := strings.TrimPrefix(body, "/")
			if !strings.HasPrefix(b, rel+"/") {
				continue
			}
			body = "/" + strings.TrimPrefix(b, rel+"/")
		} else if anchored && !strings.HasPrefix(body, "/") {
			body = "/" + body
		}
		if neg {
			body = "!" + body
		}
		out = append(out, body)
	}
	return out
}

// funcraftEnv adds the variables Funcraft's deploy adds to every function
// (its addEnv), so that the function sees the same environment.
func funcraftEnv(env *yaml.Node) {
	val := func(k string) string {
		if v := get(env, k); isScalar(v) {
			return v.Value
		}
		return ""
	}
	const prefix = "/code/.fun"
	sysLibs := []string{"/usr/local/lib", "/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/lib", "/lib/x86_64-linux-gnu", "/python/lib/python2.7/site-packages", "/python/lib/python3.6/site-packages"}
	var lib []string
	for _, p := range sysLibs {
		lib = append(lib, prefix+"/root"+p)
	}
	lib = append(lib, "/code", "/code/lib", "/usr/local/lib")
	set(env, "LD_LIBRARY_PATH", str(joinUnion(val("LD_LIBRARY_PATH"), lib)))
	sysPaths := []string{"/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/sbin", "/bin"}
	var path []string
	for _, p := range sysPaths {
		path = append(path, prefix+"/root"+p)
	}
	path = append(path, "/code", "/code/node_modules/.bin", prefix+"/python/bin", prefix+"/node_modules/.bin")
	path = append(path, sysPaths...)
	set(env, "PATH", str(joinUnion(val("PATH"), path)))
	set(env, "NODE_PATH", str(joinUnion(val("NODE_PATH"), []string{"/code/node_modules", "/usr/local/lib/node_modules"})))
	if val("PYTHONUSERBASE") == "" {
		set(env, "PYTHONUSERBASE", str(prefix+"/python"))
	}
}

// joinUnion is before:parts joined with ':' without repeated entries.
func joinUnion(before string, parts []string) string {
	var all []string
	if before != "" {
		all = strings.Split(before, ":")
	}
	all = append(all, parts...)
	seen := map[string]bool{}
	var out []string
	for _, p := range all {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, ":")
}

// withGlobals is a function's properties with the Globals.Function ones it
// does not set; environment variables are merged, the function's winning.
func withGlobals(props, globals *yaml.Node) *yaml.Node {
	if globals == nil || globals.Kind != yaml.MappingNode {
		return props
	}
	out := mapping()
	if props != nil {
		out.Content = append(out.Content, props.Content...)
		out.Line, out.Column = props.Line, props.Column
	}
	pairs(globals, func(k, v *yaml.Node) {
		own := resolve(get(out, k.Value))
		switch {
		case own == nil:
			out.Content = append(out.Content, k, v)
		case k.Value == "EnvironmentVariables" && own.Kind == yaml.MappingNode && resolve(v).Kind == yaml.MappingNode:
			env := mapping()
			env.Line, env.Column = own.Line, own.Column
			pairs(resolve(v), func(ek, ev *yaml.Node) {
				if get(own, ek.Value) == nil {
					env.Content = append(env.Content, ek, ev)
				}
			})
			env.Content = append(env.Content, own.Content...)
			// In place, keeping the key's position.
			out.Content[keyIndex(out, k.Value)+1] = env
		}
	})
	return out
}

// secretNameRE matches variable names that look secret (as import and the
// manifest's masking read them).
var secretNameRE = regexp.MustCompile(`(?i)PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE`)

// literalSecrets reports secret-looking variables whose value is written in
// the file: the manifest keeps them, but they belong in the environment.
func (c *conv) literalSecrets(env *yaml.Node, where string) {
	pairs(env, func(k, v *yaml.Node) {
		v = resolve(v)
		if secretNameRE.MatchString(k.Value) && isScalar(v) && v.Value != "" && !strings.Contains(v.Value, "${") && v.Tag != "!Ref" {
			c.leftOut(k, where+": environment variable "+k.Value+" holds its secret in the file", "it was kept as it is; better write ${env."+k.Value+"} and set "+k.Value+" where fcdeploy runs")
		}
	})
}
