package planner

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestANewProjectCreatesEverythingInDependencyOrder(t *testing.T) {
	d := shopDesired()
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)

	assert.Equal(t, []string{
		"create service.shop",
		"create function.shop/api",
		"create function.shop/checkout",
		"publish version.shop",
		"create alias.shop/live",
		"create trigger.shop/api/web",
		"create trigger.shop/checkout/nightly",
	}, addresses(p))
	assert.Equal(t, Summary{Create: 6, Publish: 1}, p.Summary())
	assert.Equal(t, "1", p.FormatVersion)
	assert.Equal(t, planTime, p.CreatedAt)
	assert.Equal(t, "111111", p.Target.AccountID)

	fn := p.Change("function.shop/checkout")
	require.NotNil(t, fn)
	assert.Equal(t, []string{"service.shop"}, fn.DependsOn)
	assert.Equal(t, &CodeChange{Upload: true, After: "111", Size: 3100, Source: "./functions/checkout"}, fn.Code)
	assert.Equal(t, "checkout", fn.FunctionInput.FunctionName)
	assert.Nil(t, fn.FunctionInput.Code, "code is added by the applier, not carried in the plan")

	publish := p.Change("version.shop")
	assert.ElementsMatch(t, []string{"service.shop", "function.shop/api", "function.shop/checkout"}, publish.DependsOn)
	assert.Equal(t, "the service has no version yet", publish.Reason)

	alias := p.Change("alias.shop/live")
	assert.True(t, alias.AliasToPublished)
	assert.Nil(t, alias.AliasInput.VersionID)
	assert.Equal(t, []string{"version.shop"}, alias.DependsOn)

	nightly := p.Change("trigger.shop/checkout/nightly")
	assert.ElementsMatch(t, []string{"function.shop/checkout", "alias.shop/live"}, nightly.DependsOn)
	web := p.Change("trigger.shop/api/web")
	assert.Equal(t, "LATEST", *web.TriggerInput.Qualifier, "no qualifier means LATEST")
}

func TestAConvergedProjectIsANoOpPlan(t *testing.T) {
	d := shopDesired()
	p, err := Diff(d, convergedLive(d), diffOptions())
	require.NoError(t, err)

	assert.False(t, p.HasChanges(), "unexpected changes: %v", addresses(p))
	// service, 2 functions, 2 triggers, 1 alias
	assert.Equal(t, 6, p.NoOps)
	assert.Empty(t, p.NotManaged)
}

func TestAConfigOnlyChangeSendsNoCode(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Config.MemorySize = ptr(int32(512))

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	fn := p.Change("function.shop/checkout")
	require.NotNil(t, fn)
	assert.Equal(t, ActionUpdate, fn.Action)
	assert.Equal(t, []FieldChange{{Path: "memorySize", Before: 256.0, After: 512.0}}, fn.FieldChanges)
	assert.False(t, fn.Code.Upload)
	assert.Equal(t, "111", fn.Code.Before)
	assert.Equal(t, "111", fn.Code.After)
	assert.Nil(t, fn.FunctionInput.Code)
}

func TestACodeChangeUploadsTheNewCode(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Code.Checksum = "999"

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	fn := p.Change("function.shop/checkout")
	require.NotNil(t, fn)
	assert.Empty(t, fn.FieldChanges)
	assert.Equal(t, &CodeChange{Upload: true, Before: "111", After: "999", Size: 3100, Source: "./functions/checkout"}, fn.Code)
	assert.Equal(t, "etag-function-checkout", fn.ETag)
	assert.Nil(t, p.Change("function.shop/api"), "the other function's code did not change")
}

func TestDriftShowsAnUpdateBackToTheDesiredState(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	// Someone changed things by hand in the console.
	live.Services["shop"].Service.Description = "edited by hand"
	live.Services["shop"].Functions["api"].Timeout = 60
	live.Services["shop"].Functions["api"].EnvironmentVariables = map[string]string{"DEBUG": "1"}
	live.Services["shop"].Triggers["checkout"]["nightly"].TriggerConfig = json.RawMessage(`{"cronExpression":"0 0 5 * * *","enable":true}`)
	live.Services["shop"].Aliases["live"].Description = "moved by hand"

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	svc := p.Change("service.shop")
	require.NotNil(t, svc)
	assert.Equal(t, []FieldChange{{Path: "description", Before: "edited by hand", After: "Shop backend"}}, svc.FieldChanges)
	assert.Equal(t, "etag-service-shop", svc.ETag)

	api := p.Change("function.shop/api")
	require.NotNil(t, api)
	assert.Equal(t, []FieldChange{
		{Path: "timeout", Before: 60.0, After: 3.0},
		{Path: "environmentVariables.DEBUG", Before: "1"},
	}, api.FieldChanges)

	nightly := p.Change("trigger.shop/checkout/nightly")
	require.NotNil(t, nightly)
	assert.Equal(t, ActionUpdate, nightly.Action)
	assert.Equal(t, []FieldChange{{Path: "triggerConfig.cronExpression", Before: "0 0 5 * * *", After: "0 0 2 * * *"}}, nightly.FieldChanges)
	assert.Equal(t, "etag-trigger-nightly", nightly.ETag)

	alias := p.Change("alias.shop/live")
	require.NotNil(t, alias)
	assert.Equal(t, "etag-alias-live", alias.ETag)
}

func TestEmptyAndMissingValuesAreEqualAsFunctionComputeTreatsThem(t *testing.T) {
	d := shopDesired()
	d.Services[0].Functions[1].Config.EnvironmentVariables = map[string]string{}
	d.Services[0].Config.VPCConfig = &fc.VPCConfig{VSwitchIDs: []string{}}
	live := convergedLive(d)
	live.Services["shop"].Functions["api"].EnvironmentVariables = nil
	live.Services["shop"].Service.VPCConfig.VSwitchIDs = nil
	live.Services["shop"].Aliases["live"].AdditionalVersionWeight = nil
	live.Services["shop"].Triggers["api"]["web"].Qualifier = ""

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	assert.False(t, p.HasChanges(), "unexpected changes: %v", addresses(p))
}

func TestPruneDeletesWhatTheDesiredStateDropped(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	ls := live.Services["shop"]
	ls.Functions["legacy"] = &fc.Function{FunctionName: "legacy", ETag: "etag-function-legacy", CodeChecksum: "5"}
	ls.Triggers["legacy"] = map[string]*fc.Trigger{"old": {TriggerName: "old", TriggerType: "timer", Qualifier: "beta", ETag: "etag-trigger-old"}}
	ls.Triggers["api"]["extra"] = &fc.Trigger{TriggerName: "extra", TriggerType: "http", Qualifier: "LATEST", ETag: "etag-trigger-extra"}
	ls.Aliases["beta"] = &fc.Alias{AliasName: "beta", VersionID: "1", ETag: "etag-alias-beta"}
	ls.NewestVersionFunctions["legacy"] = ls.Functions["legacy"]

	t.Run("with prune they are deleted, triggers first", func(t *testing.T) {
		opt := diffOptions()
		opt.Prune = true
		p, err := Diff(d, live, opt)
		require.NoError(t, err)

		assert.Equal(t, []string{
			"delete trigger.shop/legacy/old",
			"delete function.shop/legacy",
			"publish version.shop",
			"update alias.shop/live",
			"delete trigger.shop/api/extra",
			"delete alias.shop/beta",
		}, addresses(p))
		assert.Equal(t, []string{"trigger.shop/legacy/old"}, p.Change("function.shop/legacy").DependsOn)
		assert.Equal(t, []string{"trigger.shop/legacy/old"}, p.Change("alias.shop/beta").DependsOn, "a trigger on an alias goes first")
		assert.Equal(t, "etag-function-legacy", p.Change("function.shop/legacy").ETag)
		assert.Equal(t, []string{"function.shop/legacy"}, p.Change("version.shop").DependsOn)
		assert.Equal(t, []string{"trigger.shop/legacy/old", "function.shop/legacy", "trigger.shop/api/extra", "alias.shop/beta"}, p.Deletions())
		assert.Empty(t, p.NotManaged)
	})
	t.Run("without prune they are listed as not managed", func(t *testing.T) {
		p, err := Diff(d, live, diffOptions())
		require.NoError(t, err)

		assert.False(t, p.HasChanges(), "unexpected changes: %v", addresses(p))
		assert.Equal(t, []string{"alias.shop/beta", "function.shop/legacy", "trigger.shop/api/extra"}, p.NotManaged)
	})
}

func TestUndeclaredServicesAreNeverTouched(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["other"] = &LiveService{Service: &fc.Service{ServiceName: "other"}, Functions: map[string]*fc.Function{"x": {FunctionName: "x"}}}
	opt := diffOptions()
	opt.Prune = true

	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	assert.False(t, p.HasChanges(), "unexpected changes: %v", addresses(p))
}

func TestPublishHappensOnlyWhenVersionedContentChanges(t *testing.T) {
	cases := []struct {
		name    string
		change  func(d *Desired, l *Live)
		publish bool
		reason  string
	}{
		{"nothing changed publishes nothing", func(*Desired, *Live) {}, false, ""},
		{"a service config change publishes", func(d *Desired, _ *Live) {
			d.Services[0].Config.Description = ptr("new")
		}, true, "the service configuration differs from version 1"},
		{"a function config change publishes", func(d *Desired, _ *Live) {
			d.Services[0].Functions[1].Config.Timeout = ptr(int32(30))
		}, true, "function api differs from version 1"},
		{"a code change publishes", func(d *Desired, _ *Live) {
			d.Services[0].Functions[0].Code.Checksum = "777"
		}, true, "function checkout differs from version 1"},
		{"a new function publishes", func(d *Desired, _ *Live) {
			d.Services[0].Functions = append(d.Services[0].Functions, DesiredFunction{
				Name: "worker", Config: fc.FunctionInput{Runtime: ptr("python3"), Handler: ptr("main.handler")},
				Code: DesiredCode{Checksum: "3"},
			})
		}, true, "the set of functions differs from version 1"},
		{"a trigger change does not publish: triggers are not versioned", func(d *Desired, _ *Live) {
			d.Services[0].Functions[1].Triggers[0].Input.TriggerConfig = json.RawMessage(`{"authType":"function","methods":["GET"]}`)
		}, false, ""},
		{"an alias change does not publish", func(d *Desired, _ *Live) {
			d.Services[0].Aliases[0].Description = "production"
		}, false, ""},
		{"drift reverted back to the newest version publishes nothing", func(_ *Desired, l *Live) {
			l.Services["shop"].Functions["api"].MemorySize = 1024
		}, false, ""},
		{"publish off never publishes", func(d *Desired, _ *Live) {
			d.Services[0].Publish = false
			d.Services[0].Functions[0].Code.Checksum = "777"
		}, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := shopDesired()
			live := convergedLive(d)
			tc.change(d, live)
			p, err := Diff(d, live, diffOptions())
			require.NoError(t, err)
			c := p.Change("version.shop")
			if !tc.publish {
				assert.Nil(t, c, "unexpected publish: %v", addresses(p))
				return
			}
			require.NotNil(t, c, "no publish in %v", addresses(p))
			assert.Equal(t, tc.reason, c.Reason)
			assert.Equal(t, "etag-service-shop", c.ETag, "publish is guarded by the service's ETag")
		})
	}
}

func TestAnApplyKilledBeforePublishingIsPublishedByTheNextPlan(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	// The killed apply updated the code of LATEST but never published.
	d.Services[0].Functions[0].Code.Checksum = "888"
	live.Services["shop"].Functions["checkout"].CodeChecksum = "888"

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	assert.Equal(t, []string{"publish version.shop", "update alias.shop/live"}, addresses(p))
	assert.Empty(t, p.Change("version.shop").DependsOn, "nothing else changes first")
	assert.Equal(t, "function checkout differs from version 1", p.Change("version.shop").Reason)
}

func TestAliasLatestResolvesToTheVersionThisApplyPublishes(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Code.Checksum = "999"

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	alias := p.Change("alias.shop/live")
	require.NotNil(t, alias)
	assert.Equal(t, ActionUpdate, alias.Action)
	assert.True(t, alias.AliasToPublished)
	assert.Nil(t, alias.AliasInput.VersionID, "resolved at apply time")
	assert.Equal(t, []FieldChange{{Path: "versionId", Before: "1", AfterUnknown: true}}, alias.FieldChanges)
	assert.Equal(t, []string{"version.shop"}, alias.DependsOn)
	assert.Equal(t, "etag-alias-live", alias.ETag)
}

func TestAliasLatestWithoutPublishFollowsTheNewestLiveVersion(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Versions = []fc.Version{{VersionID: "4"}, {VersionID: "1"}}
	// version 4 holds the same content as LATEST
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	alias := p.Change("alias.shop/live")
	require.NotNil(t, alias)
	assert.False(t, alias.AliasToPublished)
	assert.Equal(t, "4", *alias.AliasInput.VersionID)
	assert.Equal(t, []FieldChange{{Path: "versionId", Before: "1", After: "4"}}, alias.FieldChanges)
}

func TestAliasLatestWithNoVersionAtAllIsAnError(t *testing.T) {
	d := shopDesired()
	d.Services[0].Publish = false
	_, err := Diff(d, absentLive(d), diffOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "alias shop/live: version latest, but service shop has no version")
}

func TestAnAliasPinnedToAVersionWithWeightsIsCompared(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Versions = []fc.Version{{VersionID: "2"}, {VersionID: "1"}}
	d.Services[0].Aliases[0] = DesiredAlias{Name: "live", Version: "1", AdditionalVersionWeight: map[string]float64{"2": 0.1}}

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	alias := p.Change("alias.shop/live")
	require.NotNil(t, alias)
	assert.Equal(t, []FieldChange{{Path: "additionalVersionWeight", Before: map[string]any{}, After: map[string]any{"2": 0.1}}}, alias.FieldChanges)
	assert.Equal(t, "1", *alias.AliasInput.VersionID)
}

func TestATriggerTypeChangeReplacesTheTrigger(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Triggers["api"]["web"].TriggerType = "timer"

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	c := p.Change("trigger.shop/api/web")
	require.NotNil(t, c)
	assert.Equal(t, ActionReplace, c.Action)
	assert.Equal(t, "etag-trigger-web", c.ETag)
	assert.Contains(t, fieldPaths(c), "triggerType")
	assert.Equal(t, []string{"trigger.shop/api/web"}, p.Deletions())
}

func TestATriggerQualifierNamingNoAliasIsAnError(t *testing.T) {
	d := shopDesired()
	d.Services[0].Functions[0].Triggers[0].Input.Qualifier = ptr("prod")
	_, err := Diff(d, absentLive(d), diffOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `trigger shop/checkout/nightly: qualifier "prod" names no alias`)
}

func TestAServiceNotManagedMustExist(t *testing.T) {
	d := shopDesired()
	d.Services[0].Managed = false
	_, err := Diff(d, absentLive(d), diffOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "service shop: does not exist")

	live := convergedLive(d)
	live.Services["shop"].Service.Description = "theirs"
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	assert.Nil(t, p.Change("service.shop"), "its configuration is not ours to change")
}

func TestAServiceMissingFromTheLiveStateIsAnError(t *testing.T) {
	d := shopDesired()
	_, err := Diff(d, &Live{Services: map[string]*LiveService{}}, diffOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "service shop: missing from the live state")
}

func TestSensitiveValuesAreFlaggedInFieldChanges(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Config.EnvironmentVariables["DB_PASSWORD"] = "correct horse"
	live.Services["shop"].Functions["checkout"].EnvironmentVariables["API_TOKEN"] = "old-token"

	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	fn := p.Change("function.shop/checkout")
	require.NotNil(t, fn)
	assert.Equal(t, []FieldChange{
		{Path: "environmentVariables.API_TOKEN", Before: "old-token", Sensitive: true},
		{Path: "environmentVariables.DB_PASSWORD", Before: "hunter2", After: "correct horse", Sensitive: true},
	}, fn.FieldChanges)
	assert.Equal(t, []string{"DB_PASSWORD"}, fn.Sensitive)
}

func TestDestroyDeletesEverythingInReverseOrder(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Versions = []fc.Version{{VersionID: "2"}, {VersionID: "1"}}
	live.Services["absent"] = &LiveService{}

	p, err := DestroyPlan(live, []string{"shop", "absent"})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"delete trigger.shop/api/web",
		"delete function.shop/api",
		"delete trigger.shop/checkout/nightly",
		"delete function.shop/checkout",
		"delete alias.shop/live",
		"delete version.shop/1",
		"delete version.shop/2",
		"delete service.shop",
	}, addresses(p))
	assert.Equal(t, []string{"trigger.shop/checkout/nightly"}, p.Change("alias.shop/live").DependsOn)
	assert.Equal(t, []string{"alias.shop/live"}, p.Change("version.shop/1").DependsOn)
	assert.ElementsMatch(t, []string{"function.shop/api", "function.shop/checkout", "alias.shop/live", "version.shop/1", "version.shop/2"}, p.Change("service.shop").DependsOn)
	assert.Equal(t, "etag-service-shop", p.Change("service.shop").ETag)
	assert.Equal(t, Summary{Delete: 8}, p.Summary())

	_, err = DestroyPlan(live, []string{"unread"})
	assert.Error(t, err)
}

func TestAnAliasNamingAVersionThatDoesNotExistIsAnError(t *testing.T) {
	cases := []struct {
		name  string
		alias DesiredAlias
		want  string
	}{
		{"a main version", DesiredAlias{Name: "live", Version: "7"}, "alias shop/live: version 7 of service shop does not exist"},
		{"a weighted version", DesiredAlias{Name: "live", Version: "1", AdditionalVersionWeight: map[string]float64{"9": 0.5}}, "alias shop/live: additionalVersionWeight names version 9, which does not exist"},
		{"something that is not a version", DesiredAlias{Name: "live", Version: "newest"}, `alias shop/live: version "newest" is neither "latest" nor a version id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := shopDesired()
			live := convergedLive(d)
			d.Services[0].Aliases[0] = tc.alias
			_, err := Diff(d, live, diffOptions())
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}
