package planner

import (
	"maps"
	"slices"

	"github.com/fcdeploy/fcdeploy/fc"
)

// fieldList collects the field changes of one resource. With create set
// there is no live value: every managed, non-empty desired value is listed.
type fieldList struct {
	create bool
	out    []FieldChange
}

func (l *fieldList) add(path string, managed bool, desired, live any, sensitive bool) {
	if !managed {
		return
	}
	after := jsonValue(desired)
	if l.create {
		if isEmpty(after) || after == "" {
			return
		}
		l.out = append(l.out, FieldChange{Path: path, After: after, Sensitive: sensitive})
		return
	}
	before := jsonValue(live)
	if sameValue(before, after) {
		return
	}
	l.out = append(l.out, FieldChange{Path: path, Before: before, After: after, Sensitive: sensitive})
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// serviceFieldChanges compares the managed (non-nil) fields of in with
// live; live nil means the service is created.
func serviceFieldChanges(in *fc.ServiceInput, live *fc.Service) []FieldChange {
	l := fieldList{create: live == nil}
	if live == nil {
		live = &fc.Service{}
	}
	l.add("description", in.Description != nil, deref(in.Description), live.Description, false)
	l.add("role", in.Role != nil, deref(in.Role), live.Role, false)
	l.add("internetAccess", in.InternetAccess != nil, deref(in.InternetAccess), live.InternetAccess, false)
	if in.LogConfig != nil {
		l.add("logConfig.project", true, in.LogConfig.Project, live.LogConfig.Project, false)
		l.add("logConfig.logstore", true, in.LogConfig.Logstore, live.LogConfig.Logstore, false)
	}
	if in.VPCConfig != nil {
		l.add("vpcConfig.vpcId", true, in.VPCConfig.VPCID, live.VPCConfig.VPCID, false)
		l.add("vpcConfig.vSwitchIds", true, in.VPCConfig.VSwitchIDs, live.VPCConfig.VSwitchIDs, false)
		l.add("vpcConfig.securityGroupId", true, in.VPCConfig.SecurityGroupID, live.VPCConfig.SecurityGroupID, false)
	}
	if in.NASConfig != nil {
		l.add("nasConfig.userId", true, in.NASConfig.UserID, live.NASConfig.UserID, false)
		l.add("nasConfig.groupId", true, in.NASConfig.GroupID, live.NASConfig.GroupID, false)
		l.add("nasConfig.mountPoints", true, in.NASConfig.MountPoints, live.NASConfig.MountPoints, false)
	}
	return l.out
}

// functionFieldChanges compares the managed fields of in with live (nil:
// created). The environment is always managed, key by key, so that each
// key can be sensitive on its own.
func functionFieldChanges(in *fc.FunctionInput, live *fc.Function, sensitive map[string]bool) []FieldChange {
	l := fieldList{create: live == nil}
	if live == nil {
		live = &fc.Function{}
	}
	l.add("description", in.Description != nil, deref(in.Description), live.Description, false)
	l.add("runtime", in.Runtime != nil, deref(in.Runtime), live.Runtime, false)
	l.add("handler", in.Handler != nil, deref(in.Handler), live.Handler, false)
	l.add("memorySize", in.MemorySize != nil, deref(in.MemorySize), live.MemorySize, false)
	l.add("timeout", in.Timeout != nil, deref(in.Timeout), live.Timeout, false)
	l.add("initializer", in.Initializer != nil, deref(in.Initializer), live.Initializer, false)
	l.add("initializationTimeout", in.InitializationTimeout != nil, deref(in.InitializationTimeout), live.InitializationTimeout, false)
	l.add("instanceConcurrency", in.InstanceConcurrency != nil, deref(in.InstanceConcurrency), live.InstanceConcurrency, false)
	keys := map[string]bool{}
	for k := range in.EnvironmentVariables {
		keys[k] = true
	}
	for k := range live.EnvironmentVariables {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		d, inDesired := in.EnvironmentVariables[k]
		v, inLive := live.EnvironmentVariables[k]
		secret := sensitive[k] || (!inDesired && secretLikeKey(k))
		path := "environmentVariables." + k
		switch {
		case inDesired && inLive:
			l.add(path, true, d, v, secret)
		case inDesired:
			l.out = append(l.out, FieldChange{Path: path, After: d, Sensitive: secret})
		default:
			l.out = append(l.out, FieldChange{Path: path, Before: v, Sensitive: secret})
		}
	}
	return l.out
}

// triggerFieldChanges compares in with live (nil: created). Object trigger
// configs are compared key by key.
func triggerFieldChanges(in *fc.TriggerInput, live *fc.Trigger) []FieldChange {
	l := fieldList{create: live == nil}
	if live == nil {
		live = &fc.Trigger{}
	}
	l.add("triggerType", true, in.TriggerType, live.TriggerType, false)
	liveQ := live.Qualifier
	if liveQ == "" && !l.create {
		liveQ = fc.QualifierLatest
	}
	l.add("qualifier", true, deref(in.Qualifier), liveQ, false)
	l.add("sourceArn", in.SourceARN != nil, deref(in.SourceARN), live.SourceARN, false)
	l.add("invocationRole", in.InvocationRole != nil, deref(in.InvocationRole), live.InvocationRole, false)
	d, lv := rawValue(in.TriggerConfig), rawValue(live.TriggerConfig)
	dm, dok := d.(map[string]any)
	lm, lok := lv.(map[string]any)
	if !dok || !(lok || lv == nil) {
		l.add("triggerConfig", true, d, lv, false)
		return l.out
	}
	keys := map[string]bool{}
	for k := range dm {
		keys[k] = true
	}
	for k := range lm {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		path := "triggerConfig." + k
		dv, inD := dm[k]
		if l.create {
			l.add(path, true, dv, nil, false)
			continue
		}
		if !inD {
			if !isEmpty(lm[k]) {
				l.out = append(l.out, FieldChange{Path: path, Before: lm[k]})
			}
			continue
		}
		l.add(path, true, dv, lm[k], false)
	}
	return l.out
}

// The versioned content of a service and of a function: what a version
// snapshots, without ids, times and ETags.

func sameServiceContent(a, b *fc.Service) bool {
	pick := func(s *fc.Service) any {
		return jsonValue(map[string]any{
			"description": s.Description, "role": s.Role, "internetAccess": s.InternetAccess,
			"logConfig": s.LogConfig, "vpcConfig": s.VPCConfig, "nasConfig": s.NASConfig,
		})
	}
	return sameValue(pick(a), pick(b))
}

func sameFunctionContent(a, b *fc.Function) bool {
	pick := func(f *fc.Function) any {
		return jsonValue(map[string]any{
			"description": f.Description, "runtime": f.Runtime, "handler": f.Handler,
			"memorySize": f.MemorySize, "timeout": f.Timeout, "initializer": f.Initializer,
			"initializationTimeout": f.InitializationTimeout, "instanceConcurrency": f.InstanceConcurrency,
			"environmentVariables": f.EnvironmentVariables, "codeChecksum": f.CodeChecksum,
		})
	}
	return sameValue(pick(a), pick(b))
}
