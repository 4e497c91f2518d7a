package convert

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Funcraft event types and the trigger types they create.
var funcraftTriggerTypes = map[string]string{
	"Timer": "timer", "HTTP": "http", "Log": "log", "OSS": "oss", "RDS": "rds",
	"MNSTopic": "mns_topic", "TableStore": "tablestore", "CDN": "cdn_events",
}

// The properties Funcraft builds each event's source ARN from. Without
// them the trigger has no source, which validation would refuse far from
// the template line that lacks it.
var funcraftSourceProperties = map[string]string{
	"Log": "LogConfig.Project", "RDS": "InstanceId", "MNSTopic": "TopicName",
	"TableStore": "InstanceName and TableName", "OSS": "BucketName",
}

// event converts one Funcraft event into a trigger, as Funcraft's deploy
// builds it (getTriggerConfig, getSourceArn).
func (f *funcraftState) event(service, function string, k, v *yaml.Node) *yaml.Node {
	where := "trigger " + service + "/" + function + "/" + k.Value
	typNode := get(v, "Type")
	if !isScalar(typNode) {
		f.leftOut(k, where+" has no Type", "give it one")
		return nil
	}
	typ := typNode.Value
	switch typ {
	case "Api":
		f.leftOut(typNode, where+": an API Gateway event", "API Gateway is not Function Compute: keep the API as it is live, or give the function an http trigger")
		return nil
	case "Datahub":
		f.leftOut(typNode, where+": a Datahub event", "Funcraft 3.6 could not deploy it and fcdeploy.yaml has no datahub trigger: remove it")
		return nil
	}
	ttype := funcraftTriggerTypes[typ]
	if ttype == "" {
		f.leftOut(typNode, where+": event type "+typ, "not a trigger type Funcraft deploys: remove it")
		return nil
	}
	pv, ok := f.value(get(v, "Properties"), where+".Properties")
	if !ok && pv == nil {
		pv = mapping()
	}
	p := func(key string) *yaml.Node { return get(pv, key) }
	t := mapping()
	set(t, "type", str(ttype))
	if q := p("Qualifier"); q != nil {
		set(t, "qualifier", q)
	} else if q := p("qualifier"); q != nil && typ == "OSS" {
		set(t, "qualifier", q)
	}
	cfg := mapping()
	setIf := func(to string, n *yaml.Node) {
		if n != nil {
			set(cfg, to, n)
		}
	}
	arn := ""
	switch typ {
	case "Timer":
		setIf("cronExpression", p("CronExpression"))
		// An absent enable is a disabled timer in Function Compute, and
		// Funcraft sends none; fcdeploy would default to true.
		if e := p("Enable"); e != nil {
			set(cfg, "enable", e)
		} else {
			set(cfg, "enable", boolean(false))
		}
		setIf("payload", p("Payload"))
	case "HTTP":
		if a := p("AuthType"); isScalar(a) {
			set(cfg, "authType", str(strings.ToLower(a.Value)))
		}
		setIf("methods", p("Methods"))
	case "Log":
		sc, jc, lc := p("SourceConfig"), p("JobConfig"), p("LogConfig")
		src := mapping()
		if n := get(sc, "Logstore"); n != nil {
			set(src, "logstore", n)
		}
		job := mapping()
		if n := get(jc, "MaxRetryTime"); n != nil {
			set(job, "maxRetryTime", n)
		}
		if n := get(jc, "TriggerInterval"); n != nil {
			set(job, "triggerInterval", n)
		}
		logc := mapping()
		if n := get(lc, "Project"); n != nil {
			set(logc, "project", n)
		}
		if n := get(lc, "Logstore"); n != nil {
			set(logc, "logstore", n)
		}
		set(cfg, "sourceConfig", src)
		set(cfg, "jobConfig", job)
		set(cfg, "logConfig", logc)
		if fp := p("FunctionParameter"); fp != nil {
			set(cfg, "functionParameter", fp)
		} else {
			set(cfg, "functionParameter", mapping())
		}
		// Funcraft deploys a log trigger's config with Enable, capital E
		// (the SDKs spell it enable): the converted manifest keeps what
		// the estate holds, so that its first plan changes nothing
		// (compat's TestFuncraftEstateImportsAndConvertsToTheSameEstate).
		en := p("Enable")
		set(cfg, "Enable", boolean(!(en != nil && en.Value == "false")))
		if n := get(lc, "Project"); isScalar(n) {
			arn = "acs:log:${vars.region}:${vars.accountId}:project/" + n.Value
		}
	case "RDS":
		setIf("subscriptionObjects", p("SubscriptionObjects"))
		setIf("retry", p("Retry"))
		setIf("concurrency", p("Concurrency"))
		setIf("eventFormat", p("EventFormat"))
		if n := p("InstanceId"); isScalar(n) {
			arn = "acs:rds:${vars.region}:${vars.accountId}:dbinstance/" + n.Value
		}
	case "MNSTopic":
		format, strategy := str("STREAM"), str("BACKOFF_RETRY")
		if n := p("NotifyContentFormat"); n != nil {
			format = n
		}
		if n := p("NotifyStrategy"); n != nil {
			strategy = n
		}
		set(cfg, "NotifyContentFormat", format)
		set(cfg, "NotifyStrategy", strategy)
		setIf("FilterTag", p("FilterTag"))
		if n := p("TopicName"); isScalar(n) {
			region := "${vars.region}"
			if r := p("Region"); isScalar(r) {
				region = r.Value
			}
			arn = "acs:mns:" + region + ":${vars.accountId}:/topics/" + n.Value
		}
	case "TableStore":
		if i, tb := p("InstanceName"), p("TableName"); isScalar(i) && isScalar(tb) {
			arn = "acs:ots:${vars.region}:${vars.accountId}:instance/" + i.Value + "/table/" + tb.Value
		}
	case "OSS":
		if n := p("Events"); n != nil {
			set(cfg, "events", n)
		} else {
			setIf("events", p("events"))
		}
		if n := p("Filter"); n != nil {
			set(cfg, "filter", n)
		} else {
			setIf("filter", p("filter"))
		}
		b := p("BucketName")
		if b == nil {
			b = p("bucketName")
		}
		if isScalar(b) {
			arn = "acs:oss:${vars.region}:${vars.accountId}:" + b.Value
		}
	case "CDN":
		setIf("eventName", p("EventName"))
		setIf("eventVersion", p("EventVersion"))
		setIf("notes", p("Notes"))
		if fl := p("Filter"); fl != nil {
			out := mapping()
			pairs(fl, func(fk, fv *yaml.Node) {
				set(out, strings.ToLower(fk.Value[:1])+fk.Value[1:], fv)
			})
			set(cfg, "filter", out)
		}
		arn = "acs:cdn:*:${vars.accountId}"
	}
	if arn != "" {
		f.accountVars = true
		set(t, "sourceArn", str(arn))
	} else if need := funcraftSourceProperties[typ]; need != "" {
		f.leftOut(typNode, where+": no source ("+need+")", "Funcraft builds the event source's ARN from "+need+": add what is missing, or set sourceArn: in fcdeploy.yaml")
	}
	if r := p("InvocationRole"); r != nil {
		set(t, "invocationRole", r)
	} else if ttype != "timer" && ttype != "http" {
		role := "FunCreateRole-" + service + "-" + function
		if typ == "Log" {
			role = "AliyunFcGeneratedInvocationRole-" + service + "-" + function
		}
		f.leftOut(typNode, where+": no InvocationRole", "Funcraft created the RAM role "+role+" for it: set invocationRole: to that role's ARN (acs:ram::ACCOUNT:role/...)")
	}
	set(t, "config", cfg)
	return t
}
