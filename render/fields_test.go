package render

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// The fields added to the API since 2018 go through the same generic diff
// as the old ones: set, changed and removed values, objects key by key and
// lists whole, a sensitive environment value and an immutable trigger type.
func TestANewFieldsPlanShowsSetChangedAndUnsetValues(t *testing.T) {
	liveSvc := &fc.Service{
		ServiceName: "media", Description: "Media", ETag: "e-media",
		LogConfig:     fc.LogConfig{Project: "logs", Logstore: "media"},
		TracingConfig: fc.TracingConfig{Type: "Jaeger", Params: map[string]string{"endpoint": "http://old:14268"}},
	}
	liveFn := &fc.Function{
		FunctionName: "thumbnail", Runtime: "custom", Handler: "index.handler", MemorySize: 512, Timeout: 30,
		CodeChecksum: "42", ETag: "e-thumb",
		EnvironmentVariables: map[string]string{"API_TOKEN": "old-secret", "MODE": "fast"},
		CAPort:               8080,
		InstanceType:         "e1",
		Layers:               []string{"acs:fc:cn-hangzhou:111111:layers/pillow/versions/1"},
		CustomDNS:            fc.CustomDNS{NameServers: []string{"8.8.8.8"}, Searches: []string{"svc.local"}},
		CustomRuntimeConfig:  fc.CustomRuntimeConfig{Command: []string{"./server"}, Args: []string{"--old"}},
	}
	liveTrigger := &fc.Trigger{TriggerName: "tick", TriggerType: "timer", Qualifier: "LATEST", ETag: "e-tick",
		TriggerConfig: json.RawMessage(`{"cronExpression":"@every 1m","enable":true}`)}

	desc := "Media"
	in := fc.ServiceInput{
		Description:   &desc,
		LogConfig:     &fc.LogConfig{Project: "logs", Logstore: "media", EnableRequestMetrics: true},
		TracingConfig: &fc.TracingConfig{Type: "Jaeger", Params: map[string]string{"endpoint": "http://new:14268"}},
		OSSMountConfig: &fc.OSSMountConfig{MountPoints: []fc.OSSMountPoint{
			{BucketName: "assets", Endpoint: "http://oss-cn-hangzhou-internal.aliyuncs.com", MountDir: "/mnt/assets", ReadOnly: true},
		}},
	}
	fnIn := fc.FunctionInput{
		Runtime: ptr("custom"), Handler: ptr("index.handler"), MemorySize: ptr(int32(512)), Timeout: ptr(int32(30)),
		EnvironmentVariables: map[string]string{"API_TOKEN": "new-secret"},
		CAPort:               ptr(int32(9000)),
		InstanceType:         ptr("c1"),
		Layers:               []string{"acs:fc:cn-hangzhou:111111:layers/pillow/versions/2"},
		CustomDNS:            &fc.CustomDNS{NameServers: []string{"8.8.8.8"}},
		CustomRuntimeConfig:  &fc.CustomRuntimeConfig{Command: []string{"./server"}},
		InstanceLifecycleConfig: &fc.InstanceLifecycleConfig{
			PreStop: &fc.LifecycleHook{Handler: "index.preStop", Timeout: 10},
		},
		CPU:      ptr(0.35),
		DiskSize: ptr(int32(10240)),
	}
	d := &planner.Desired{Project: "media", Services: []planner.DesiredService{{
		Name: "media", Config: in, Managed: true,
		Functions: []planner.DesiredFunction{{
			Name: "thumbnail", Config: fnIn, Code: planner.DesiredCode{Checksum: "42", Size: 10},
			Sensitive: map[string]bool{"API_TOKEN": true},
			Triggers: []planner.DesiredTrigger{{Name: "tick", Input: fc.TriggerInput{
				TriggerType: "http", TriggerConfig: json.RawMessage(`{"authType":"anonymous","methods":["GET"]}`),
			}}},
		}},
	}}}
	live := &planner.Live{Services: map[string]*planner.LiveService{"media": {
		Service:   liveSvc,
		Functions: map[string]*fc.Function{"thumbnail": liveFn},
		Triggers:  map[string]map[string]*fc.Trigger{"thumbnail": {"tick": liveTrigger}},
	}}}
	p, err := planner.Diff(d, live, planner.Options{Target: target, Now: func() time.Time { return time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC) }})
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, Text(&buf, p, TextOptions{}))
	golden(t, "plan_fields.txt", buf.Bytes())
	out := buf.String()
	assert.NotContains(t, out, "secret", "the sensitive environment value is masked on both sides")
	assert.Contains(t, out, "replace: triggerType cannot change in place")
	tick := p.Change("trigger.media/thumbnail/tick")
	require.NotNil(t, tick)
	assert.Equal(t, planner.ActionReplace, tick.Action)
}
