package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// isServerlessDevs recognises an s.yaml whose services use components.
func isServerlessDevs(root *yaml.Node) bool {
	found := false
	pairs(resolve(get(root, "services")), func(_, v *yaml.Node) {
		if c := get(resolve(v), "component"); isScalar(c) {
			found = true
		}
	})
	return found
}

// isServerlessDevs3 recognises a Serverless Devs 3 s.yaml (resources:
// with components), whose fc3 component targets the Function Compute 3.0
// API rather than 2016-08-15.
func isServerlessDevs3(root *yaml.Node) bool {
	found := false
	pairs(resolve(get(root, "resources")), func(_, v *yaml.Node) {
		if c := get(resolve(v), "component"); isScalar(c) {
			found = true
		}
	})
	return found
}

// serverlessDevs3 reports every resource of a Serverless Devs 3 project:
// nothing in it converts.
func (c *conv) serverlessDevs3(root *yaml.Node) {
	pairs(resolve(get(root, "resources")), func(k, v *yaml.Node) {
		comp := "no component"
		if cn := get(resolve(v), "component"); isScalar(cn) {
			comp = "component " + cn.Value
		}
		c.leftOut(k, "resource "+k.Value+" ("+comp+") of a Serverless Devs 3 project", "Serverless Devs 3 deploys with the Function Compute 3.0 API, which fcdeploy does not target: keep deploying it with s, or describe its functions in fcdeploy.yaml by hand")
	})
}

// sdFile is one s.yaml or s-ENV.yaml converted on its own.
type sdFile struct {
	env      string
	display  string
	root     *yaml.Node
	vars     *yaml.Node // scalar vars
	services *yaml.Node
	region   string
	access   string
	line     map[string]int // service name -> line of its first entry
	domains  []domain
}

// envFileRE matches s-ENV.yaml next to s.yaml.
var envFileRE = regexp.MustCompile(`^s-([A-Za-z_][A-Za-z0-9_-]*)\.ya?ml$`)

// serverlessDevs converts s.yaml and its sibling s-ENV.yaml files: the
// first gives the services, every file an environment, and values that
// differ between files become vars overridden per environment.
func (c *conv) serverlessDevs(abs, display string, root *yaml.Node) (*yaml.Node, error) {
	base, err := c.sdConvert(display, root, "default")
	if err != nil {
		return nil, err
	}
	files := []*sdFile{base}
	// Counts come from the first file: the others describe the same
	// services in other environments.
	nf, nt := c.functions, c.triggers
	defer func() { c.functions, c.triggers = nf, nt }()
	if m := envFileRE.FindStringSubmatch(filepath.Base(abs)); m != nil {
		base.env = m[1]
	} else {
		entries, _ := os.ReadDir(c.dir)
		for _, e := range entries {
			m := envFileRE.FindStringSubmatch(e.Name())
			if m == nil || e.IsDir() {
				continue
			}
			disp := filepath.Join(filepath.Dir(display), e.Name())
			r, err := parseFile(filepath.Join(c.dir, e.Name()), disp)
			if err != nil {
				return nil, err
			}
			if !isServerlessDevs(r) {
				return nil, &PositionError{File: disp, Line: r.Line, Column: r.Column, Msg: notAProject}
			}
			f, err := c.sdConvert(disp, r, m[1])
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	c.file = display
	manifest := mapping()
	name := projectName(filepath.Base(c.outDir))
	if n := get(root, "name"); isScalar(n) {
		name = projectName(n.Value)
	}
	set(manifest, "project", str(name))
	vars := base.vars
	envs := mapping()
	for _, f := range files {
		env := mapping()
		if f.region != "" {
			set(env, "region", str(f.region))
		}
		envVars := mapping()
		if f != base {
			pairs(f.vars, func(k, v *yaml.Node) {
				if bv := get(vars, k.Value); bv == nil {
					set(vars, k.Value, copyNode(v))
				} else if bv.Value != v.Value {
					set(envVars, k.Value, copyNode(v))
				}
			})
			c.file = f.display
			c.mergeValues(base.services, f.services, nil, vars, envVars, f)
		}
		if len(envVars.Content) > 0 {
			set(env, "vars", envVars)
		}
		access := f.access
		if access == "" {
			access = "default"
		}
		env.HeadComment = fmt.Sprintf("From %s (access %q).", filepath.Base(f.display), access)
		c.file = f.display
		accessAt := keyNode(f.root, "access")
		if accessAt == nil {
			accessAt = f.root
		}
		if len(base.services.Content) > 0 {
			c.leftOut(accessAt, "access "+access+" of environment "+f.env, "Serverless Devs keeps the account and keys in ~/.s/access.yaml: set environments."+f.env+".accountId, and the credentials in ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET (or name other variables under credentials:)")
		}
		set(envs, f.env, env)
		c.envs = append(c.envs, f.env)
	}
	c.file = display
	if len(vars.Content) > 0 {
		set(manifest, "vars", vars)
	}
	set(manifest, "environments", envs)
	set(manifest, "services", base.services)
	c.services = len(base.services.Content) / 2
	// The domains of s.yaml: the other files name the same services, and
	// an environment cannot change customDomains.
	c.domains = base.domains
	if d := c.domainsNode(base.services); d != nil {
		set(manifest, "customDomains", d)
	}
	return manifest, nil
}

// mergeValues compares two converted trees; scalars that differ become a
// var whose value is base's at top level and other's in the environment.
func (c *conv) mergeValues(base, other *yaml.Node, path []string, vars, envVars *yaml.Node, f *sdFile) {
	where := strings.Join(path, ".")
	if base.Kind != other.Kind || (base.Kind == yaml.SequenceNode && len(base.Content) != len(other.Content)) {
		c.leftOut(f.root, where+" differs in shape from the first file", "fcdeploy environments share one set of services: make the files agree there and keep only values different")
		return
	}
	switch base.Kind {
	case yaml.MappingNode:
		var keys []string
		pairs(base, func(k, _ *yaml.Node) { keys = append(keys, k.Value) })
		pairs(other, func(k, _ *yaml.Node) {
			if !slices.Contains(keys, k.Value) {
				c.leftOut(f.root, strings.Join(append(path, k.Value), ".")+" is only in "+filepath.Base(f.display), "declare it in the first file too (environments share one set of services)")
			}
		})
		for _, k := range keys {
			ov := get(other, k)
			if ov == nil {
				c.leftOut(f.root, strings.Join(append(path, k), ".")+" is missing from "+filepath.Base(f.display), "it applies to this environment too; declare it there or accept that")
				continue
			}
			c.mergeValues(get(base, k), ov, append(path, k), vars, envVars, f)
		}
	case yaml.SequenceNode:
		for i := range base.Content {
			c.mergeValues(base.Content[i], other.Content[i], append(path, fmt.Sprint(i)), vars, envVars, f)
		}
	case yaml.ScalarNode:
		if base.Value == other.Value {
			return
		}
		name := varName(path)
		if get(vars, name) == nil {
			set(vars, name, copyNode(base))
		}
		set(envVars, name, copyNode(other))
		*base = *str("${vars." + name + "}")
	}
}

var varCleanRE = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// varName names the var of a value that differs between environments.
func varName(path []string) string {
	var parts []string
	for _, p := range path {
		if p == "services" || p == "functions" || p == "triggers" || p == "config" {
			continue
		}
		parts = append(parts, varCleanRE.ReplaceAllString(p, "_"))
	}
	n := strings.Join(parts, "_")
	if n == "" || n[0] >= '0' && n[0] <= '9' {
		n = "v_" + n
	}
	return n
}

// sdRefRE finds ${...} references in s.yaml values.
var sdRefRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// sdState converts one s.yaml file.
type sdState struct {
	*conv
	f       *sdFile
	rawVars *yaml.Node
}

func (c *conv) sdConvert(display string, root *yaml.Node, env string) (*sdFile, error) {
	c.file = display
	f := &sdFile{env: env, display: display, root: root, vars: mapping(), services: mapping(), line: map[string]int{}}
	if a := get(root, "access"); isScalar(a) {
		f.access = a.Value
	}
	s := &sdState{conv: c, f: f, rawVars: resolve(get(root, "vars"))}
	pairs(s.rawVars, func(k, v *yaml.Node) {
		v = resolve(v)
		if v.Kind == yaml.ScalarNode {
			if cv, ok := s.value(v, "vars."+k.Value); ok {
				set(f.vars, k.Value, cv)
			}
		}
	})
	pairs(resolve(get(root, "services")), func(k, v *yaml.Node) {
		v = resolve(v)
		comp := get(v, "component")
		if !isScalar(comp) || (comp.Value != "fc" && comp.Value != "devsapp/fc" && !strings.HasPrefix(comp.Value, "fc@") && !strings.HasPrefix(comp.Value, "devsapp/fc@")) {
			what := "no component"
			if isScalar(comp) {
				what = "component " + comp.Value
			}
			s.leftOut(k, "service "+k.Value+" uses "+what, "only the FC component (fc, devsapp/fc) converts: deploy this one with its own tool")
			return
		}
		s.entry(k, v)
	})
	return f, nil
}

// value resolves s.yaml references: ${vars.x} to a scalar var stays a
// reference, to a mapping or list is copied in; ${env(X)} becomes ${env.X};
// others are reported.
func (s *sdState) value(n *yaml.Node, where string) (*yaml.Node, bool) {
	n = resolve(n)
	if n == nil {
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		return copyChildren(n, where, s.value)
	}
	text := n.Value
	if m := sdRefRE.FindStringSubmatch(text); m != nil && m[0] == text {
		// A whole-value reference may stand for a mapping or a list.
		ref := strings.TrimSpace(m[1])
		if path, ok := strings.CutPrefix(ref, "vars."); ok {
			target := s.rawVars
			for _, p := range strings.Split(path, ".") {
				target = resolve(get(target, p))
			}
			if target == nil {
				s.leftOut(n, where+": "+text+" names no var", "define it under vars:")
				return nil, false
			}
			if target.Kind != yaml.ScalarNode || strings.Contains(path, ".") {
				return s.value(target, where)
			}
		}
	}
	ok := true
	out := sdRefRE.ReplaceAllStringFunc(text, func(m string) string {
		ref := strings.TrimSpace(m[2 : len(m)-1])
		switch {
		case strings.HasPrefix(ref, "vars.") && !strings.Contains(ref[5:], "."):
			return "${" + ref + "}"
		case strings.HasPrefix(ref, "env(") && strings.HasSuffix(ref, ")"):
			return "${env." + strings.Trim(ref[4:len(ref)-1], `'" `) + "}"
		case strings.HasPrefix(ref, "env."):
			return "${" + ref + "}"
		}
		ok = false
		return m
	})
	if !ok {
		s.leftOut(n, where+": "+text, "fcdeploy.yaml has ${vars.NAME} and ${env.NAME} only: write the value")
		return nil, false
	}
	cp := copyNode(n)
	cp.Value = out
	if out != text {
		cp.Tag, cp.Style = "!!str", 0
	}
	return cp, true
}

// entry converts one s.yaml service entry (one FC function) into the
// service it names, merging functions of the same service.
func (s *sdState) entry(k, v *yaml.Node) {
	props := resolve(get(v, "props"))
	where := "services." + k.Value + ".props"
	if r := get(props, "region"); r != nil {
		if cv, ok := s.value(r, where+".region"); ok && !isScalar(cv) {
			s.leftOut(r, where+".region is not a single value", "write the region's id, such as cn-hangzhou")
		} else if ok {
			if strings.Contains(cv.Value, "${") {
				if vv := get(s.f.vars, strings.TrimSuffix(strings.TrimPrefix(cv.Value, "${vars."), "}")); isScalar(vv) {
					cv = vv
				}
			}
			if s.f.region != "" && s.f.region != cv.Value {
				s.leftOut(r, where+".region "+cv.Value+" differs from "+s.f.region, "an fcdeploy environment has one region: split the services into projects")
			} else {
				s.f.region = cv.Value
			}
		}
	}
	sp, _ := s.value(get(props, "service"), where+".service")
	if sp == nil {
		s.leftOut(k, where+".service is missing or unreadable", "give the service a name")
		return
	}
	nameNode := get(sp, "name")
	if !isScalar(nameNode) {
		s.leftOut(k, where+".service.name is missing", "give the service a name")
		return
	}
	svc := get(s.f.services, nameNode.Value)
	if svc == nil {
		svc = mapping()
		s.serviceFields(svc, sp, where+".service", get(props, "service"))
		set(s.f.services, nameNode.Value, svc)
		s.f.line[nameNode.Value] = k.Line
	}
	fp, _ := s.value(get(props, "function"), where+".function")
	fname := get(fp, "name")
	if fp != nil && !isScalar(fname) {
		s.leftOut(k, where+".function.name is missing", "give the function a name")
		return
	}
	fnName := ""
	if isScalar(fname) {
		fnName = fname.Value
	}
	if d := resolve(get(props, "customDomains")); d != nil {
		s.customDomains(d, where+".customDomains", nameNode.Value, fnName)
	}
	// A field with a reference fcdeploy cannot write was reported and left
	// out by value; the rest of the function still converts.
	if fp == nil {
		return
	}
	fns := get(svc, "functions")
	if fns == nil {
		fns = mapping()
		set(svc, "functions", fns)
	}
	fn := mapping()
	s.functionFields(fn, fp, where+".function", get(props, "function"))
	if tr := resolve(get(props, "triggers")); tr != nil {
		triggers := mapping()
		for _, t := range tr.Content {
			tv, ok := s.value(t, where+".triggers")
			if !ok {
				continue
			}
			s.trigger(triggers, tv, resolve(t), where+".triggers")
		}
		if len(triggers.Content) > 0 {
			set(fn, "triggers", triggers)
		}
	}
	set(fns, fname.Value, fn)
	s.functions++
}

// customDomains reads props.customDomains: a list of {domainName,
// protocol, routeConfigs: [{path, serviceName, functionName, qualifier,
// methods}]}, whose routes default to the entry's service and function.
func (s *sdState) customDomains(n *yaml.Node, where, service, function string) {
	if n.Kind != yaml.SequenceNode {
		s.leftOut(n, where+" is not a list", "write a list of domains")
		return
	}
	for _, dn := range n.Content {
		dn = resolve(dn)
		name, ok := s.scalar(get(dn, "domainName"), where+".domainName")
		if !ok {
			continue
		}
		d := domain{at: dn, name: name}
		if d.protocol, ok = s.scalar(get(dn, "protocol"), where+".protocol"); !ok {
			continue
		}
		if cert := keyNode(dn, "certConfig"); cert != nil && !fc.ServesHTTPS(d.protocol) {
			s.leftOut(cert, where+" "+name+": certConfig", "fcdeploy.yaml manages HTTP domains without certificates: drop it, or keep the domain in the console")
		}
		rs := resolve(get(dn, "routeConfigs"))
		if rs != nil && rs.Kind != yaml.SequenceNode {
			s.leftOut(rs, where+" "+name+": routeConfigs is not a list", "write a list of routes")
			continue
		}
		var list []*yaml.Node
		if rs != nil {
			list = rs.Content
		}
		for _, rn := range list {
			rn = resolve(rn)
			r := route{at: rn, service: service, function: function}
			for _, field := range []struct {
				key string
				dst *string
			}{{"path", &r.path}, {"serviceName", &r.service}, {"functionName", &r.function}, {"qualifier", &r.qualifier}} {
				if v := get(rn, field.key); v != nil {
					if *field.dst, ok = s.scalar(v, where+".routeConfigs."+field.key); !ok {
						break
					}
				}
			}
			if ok {
				if r.methods, ok = scalars(get(rn, "methods")); !ok {
					s.leftOut(rn, where+" "+name+": methods is not a list of methods", "write a list such as [GET, POST]")
				}
			}
			if !ok {
				break
			}
			d.routes = append(d.routes, r)
		}
		if !ok {
			continue
		}
		if d, keep := s.checkDomain(d); keep {
			s.f.domains = append(s.f.domains, d)
		}
	}
}

// scalar resolves a plain value of s.yaml, ${vars.NAME} included; an
// absent value is "". ok is false (and reported) when it is not one.
func (s *sdState) scalar(n *yaml.Node, where string) (string, bool) {
	if n == nil {
		return "", true
	}
	v, ok := s.value(n, where)
	if !ok {
		return "", false
	}
	if !isScalar(v) {
		s.leftOut(n, where+" is not a single value", "write the value itself")
		return "", false
	}
	text := v.Value
	if m := sdRefRE.FindStringSubmatch(text); m != nil && m[0] == text {
		if vv := get(s.f.vars, strings.TrimPrefix(strings.TrimSpace(m[1]), "vars.")); isScalar(vv) {
			text = vv.Value
		}
	}
	if strings.Contains(text, "${") {
		s.leftOut(n, where+": "+text, "a custom domain is written with plain names: write the value itself")
		return "", false
	}
	return text, true
}

// sdSame are the s.yaml fields spelled as in fcdeploy.yaml.
var sdServiceSame = []string{"description", "role", "internetAccess", "ossMountConfig"}

func (s *sdState) serviceFields(svc, sp *yaml.Node, where string, at *yaml.Node) {
	pos := func(key string) *yaml.Node {
		if n := keyNode(resolve(at), key); n != nil {
			return n
		}
		return resolve(at)
	}
	pairs(sp, func(k, v *yaml.Node) {
		switch key := k.Value; {
		case key == "name":
		case slices.Contains(sdServiceSame, key):
			if key == "role" && v.Kind != yaml.ScalarNode {
				s.leftOut(pos(key), where+".role is a role to create", "create the role and set role: to its ARN")
				return
			}
			set(svc, key, v)
		case (key == "logConfig" || key == "vpcConfig" || key == "nasConfig") && isScalar(v):
			s.leftOut(pos(key), where+"."+key+": "+v.Value, "the FC component created it: set "+key+" to the live values (fcdeploy import reads them)")
		case key == "logConfig":
			out := mapping()
			pairs(v, func(lk, lv *yaml.Node) {
				if slices.Contains([]string{"project", "logstore", "enableRequestMetrics", "enableInstanceMetrics"}, lk.Value) {
					set(out, lk.Value, lv)
				} else {
					s.leftOut(pos(key), where+".logConfig."+lk.Value, "fcdeploy.yaml has no such field")
				}
			})
			set(svc, "logConfig", out)
		case key == "vpcConfig":
			out := mapping()
			pairs(v, func(lk, lv *yaml.Node) {
				switch lk.Value {
				case "vpcId", "securityGroupId":
					set(out, lk.Value, lv)
				case "vswitchIds", "vSwitchIds":
					set(out, "vSwitchIds", lv)
				default:
					s.leftOut(pos(key), where+".vpcConfig."+lk.Value, "fcdeploy.yaml has no such field")
				}
			})
			set(svc, "vpcConfig", out)
		case key == "nasConfig":
			out := mapping()
			if u := get(v, "userId"); u != nil {
				set(out, "userId", u)
			}
			if g := get(v, "groupId"); g != nil {
				set(out, "groupId", g)
			}
			mps := seq()
			if m := get(v, "mountPoints"); m != nil {
				for _, mp := range m.Content {
					addr, nasDir, fcDir := get(mp, "serverAddr"), get(mp, "nasDir"), get(mp, "fcDir")
					if !isScalar(addr) || !isScalar(nasDir) || !isScalar(fcDir) {
						s.leftOut(pos(key), where+".nasConfig.mountPoints entry without serverAddr, nasDir and fcDir", "write it as {serverAddr: HOST:/DIR, mountDir: /mnt/DIR}")
						continue
					}
					e := mapping()
					set(e, "serverAddr", str(addr.Value+":"+nasDir.Value))
					set(e, "mountDir", fcDir)
					mps.Content = append(mps.Content, e)
				}
			}
			set(out, "mountPoints", mps)
			set(svc, "nasConfig", out)
		case key == "tracingConfig":
			s.leftOut(pos(key), where+".tracingConfig", "set tracingConfig: {type: Jaeger, params: {endpoint: URL}} to the live endpoint")
		default:
			s.leftOut(pos(key), where+"."+key, "fcdeploy.yaml has no such service field")
		}
	})
}

var sdFunctionSame = []string{
	"description", "runtime", "handler", "memorySize", "timeout", "initializer", "initializationTimeout",
	"environmentVariables", "instanceConcurrency", "instanceType", "caPort", "customContainerConfig",
	"layers", "customDNS", "customRuntimeConfig", "customHealthCheckConfig", "instanceLifecycleConfig",
	"gpuMemorySize", "cpu", "diskSize", "instanceSoftConcurrency",
}

func (s *sdState) functionFields(fn, fp *yaml.Node, where string, at *yaml.Node) {
	pos := func(key string) *yaml.Node {
		if n := keyNode(resolve(at), key); n != nil {
			return n
		}
		return resolve(at)
	}
	bucket, object := get(fp, "ossBucket"), get(fp, "ossKey")
	pairs(fp, func(k, v *yaml.Node) {
		switch key := k.Value; {
		case key == "name" || key == "ossBucket" || key == "ossKey":
		case slices.Contains(sdFunctionSame, key):
			if key == "environmentVariables" {
				s.literalSecrets(resolve(get(resolve(at), key)), where)
			}
			set(fn, key, v)
		case key == "codeUri":
			if !isScalar(v) {
				s.leftOut(pos(key), where+".codeUri is not a path", "point code: at the function's code")
				return
			}
			if _, err := os.Stat(s.absCode(v.Value)); err != nil {
				s.leftOut(pos(key), where+".codeUri "+v.Value+" does not exist", "point code: at the function's code")
			}
			set(fn, "code", str(s.codePath(v.Value)))
		case key == "asyncConfiguration":
			if n := s.asyncConfig(v, where+".asyncConfiguration", sdevsAsync); n != nil {
				set(fn, "asyncInvokeConfig", n)
			}
		default:
			s.leftOut(pos(key), where+"."+key, "fcdeploy.yaml has no such function field")
		}
	})
	if isScalar(bucket) && isScalar(object) && get(fn, "code") == nil {
		set(fn, "code", str("oss://"+bucket.Value+"/"+object.Value))
	}
	if get(fn, "handler") == nil {
		set(fn, "handler", str("index.handler"))
	}
}

// sdTriggerTypes are the trigger types fcdeploy.yaml takes.
var sdTriggerTypes = []string{"timer", "http", "oss", "log", "mns_topic", "cdn_events", "tablestore", "rds"}

func (s *sdState) trigger(triggers, t, at *yaml.Node, where string) {
	name, typ := get(t, "name"), get(t, "type")
	if !isScalar(name) || !isScalar(typ) {
		s.leftOut(at, where+": a trigger without name or type", "give it both")
		return
	}
	where += "." + name.Value
	if !slices.Contains(sdTriggerTypes, typ.Value) {
		s.leftOut(at, where+": trigger type "+typ.Value, "fcdeploy.yaml takes "+strings.Join(sdTriggerTypes, ", ")+": manage this one in the console")
		return
	}
	out := mapping()
	set(out, "type", typ)
	if q := get(t, "qualifier"); q != nil {
		set(out, "qualifier", q)
	}
	cfg := get(t, "config")
	if cfg == nil {
		cfg = mapping()
	}
	if arn := get(t, "sourceArn"); arn != nil {
		set(out, "sourceArn", arn)
	} else if b := get(cfg, "bucketName"); typ.Value == "oss" && isScalar(b) {
		set(out, "sourceArn", str("acs:oss:"+s.f.region+":${vars.accountId}:"+b.Value))
		s.accountVars = true
		s.leftOut(at, where+": sourceArn built from bucketName", "it uses ${vars.accountId}: define that var (the account id)")
	} else if typ.Value != "timer" && typ.Value != "http" {
		s.leftOut(at, where+": no sourceArn", "set sourceArn: to the event source's ARN")
	}
	if typ.Value == "oss" {
		c := mapping()
		pairs(cfg, func(k, v *yaml.Node) {
			if k.Value != "bucketName" {
				set(c, k.Value, v)
			}
		})
		cfg = c
	}
	if r := get(t, "role"); r != nil {
		set(out, "invocationRole", r)
	}
	set(out, "config", cfg)
	set(triggers, name.Value, out)
	s.triggers++
}
