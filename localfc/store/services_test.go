package store

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreateServiceFillsIDsTimesAndEmptyCollections(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	svc, err := s.CreateService(context.Background(), acct, fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)

	assert.Equal(t, "shop", svc.ServiceName)
	assert.Regexp(t, uuidRE, svc.ServiceID)
	assert.NotEmpty(t, svc.ETag)
	created, err := time.Parse(fc.TimeFormat, svc.CreatedTime)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), created, time.Minute)
	assert.Regexp(t, `\+0000$`, svc.CreatedTime)
	assert.Equal(t, svc.CreatedTime, svc.LastModifiedTime)
	assert.NotNil(t, svc.VPCConfig.VSwitchIDs)
	assert.NotNil(t, svc.NASConfig.MountPoints)

	got, err := s.GetService(context.Background(), acct, "shop", "")
	require.NoError(t, err)
	assert.Equal(t, svc, got)
}

func TestCreateServiceTwiceIsServiceAlreadyExists(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mustService(t, s, "shop")
	_, err := s.CreateService(context.Background(), acct, fc.ServiceInput{ServiceName: "shop"})
	requireCode(t, err, fc.CodeServiceAlreadyExists)
}

func TestAccountsAreSeparateNamespaces(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	_, err := s.CreateService(ctx, "other", fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err, "the same name in another account is another service")

	_, err = s.GetService(ctx, "nobody", "shop", "")
	requireCode(t, err, fc.CodeServiceNotFound)
	list, err := s.ListServices(ctx, "nobody", fc.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, list.Services)
	assert.NotNil(t, list.Services, "an empty list encodes as [] not null")
}

func TestUpdateServiceChangesOnlyGivenFieldsAndTheETag(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	before, err := s.CreateService(ctx, acct, fc.ServiceInput{
		ServiceName: "shop", Description: ptr("old"), Role: ptr("acs:ram::1:role/fc"),
		VPCConfig: &fc.VPCConfig{VPCID: "vpc-1", VSwitchIDs: []string{"vsw-1"}, SecurityGroupID: "sg-1"},
	})
	require.NoError(t, err)

	after, err := s.UpdateService(ctx, acct, "shop", fc.ServiceInput{
		Description: ptr("new"), InternetAccess: ptr(true),
		LogConfig: &fc.LogConfig{Project: "p", Logstore: "l"},
		NASConfig: &fc.NASConfig{UserID: 10, GroupID: 10, MountPoints: []fc.MountPoint{{ServerAddr: "nas:/", MountDir: "/mnt"}}},
	}, before.ETag)
	require.NoError(t, err)
	assert.Equal(t, "new", after.Description)
	assert.True(t, after.InternetAccess)
	assert.Equal(t, fc.LogConfig{Project: "p", Logstore: "l"}, after.LogConfig)
	assert.Equal(t, []fc.MountPoint{{ServerAddr: "nas:/", MountDir: "/mnt"}}, after.NASConfig.MountPoints)
	assert.Equal(t, before.Role, after.Role, "nil fields stay unchanged")
	assert.Equal(t, before.VPCConfig, after.VPCConfig)
	assert.Equal(t, before.ServiceID, after.ServiceID)
	assert.Equal(t, before.CreatedTime, after.CreatedTime)
	assert.NotEqual(t, before.ETag, after.ETag)

	got, err := s.GetService(ctx, acct, "shop", fc.QualifierLatest)
	require.NoError(t, err)
	assert.Equal(t, after, got)
}

func TestUpdateWithStaleETagIsRefused(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	svc := mustService(t, s, "shop")
	fn := mustFunction(t, s, "shop", "checkout", "v1")
	tr := mustTrigger(t, s, "shop", "checkout", "nightly")
	mustPublish(t, s, "shop")
	al := mustAlias(t, s, "shop", "live", "1")

	// Each write once with the current ETag (accepted, new ETag), then
	// again with the ETag it replaced (refused).
	writes := []struct {
		name  string
		etag  string
		write func(ifMatch string) (string, error)
	}{
		{"service update", svc.ETag, func(m string) (string, error) {
			out, err := s.UpdateService(ctx, acct, "shop", fc.ServiceInput{Description: ptr(m)}, m)
			return out.ETag, err
		}},
		{"function update", fn.ETag, func(m string) (string, error) {
			out, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{Description: ptr(m)}, nil, m)
			return out.ETag, err
		}},
		{"trigger update", tr.ETag, func(m string) (string, error) {
			out, err := s.UpdateTrigger(ctx, acct, "shop", "checkout", "nightly", fc.TriggerInput{SourceARN: ptr(m)}, m)
			return out.ETag, err
		}},
		{"alias update", al.ETag, func(m string) (string, error) {
			out, err := s.UpdateAlias(ctx, acct, "shop", "live", fc.AliasInput{Description: ptr(m)}, m)
			return out.ETag, err
		}},
	}
	for _, w := range writes {
		newETag, err := w.write(w.etag)
		require.NoError(t, err, w.name)
		assert.NotEqual(t, w.etag, newETag, w.name)
		_, err = w.write(w.etag)
		requireCode(t, err, fc.CodePreconditionFailed)
	}

	stale := map[string]error{
		"service delete":  s.DeleteService(ctx, acct, "shop", svc.ETag),
		"function delete": s.DeleteFunction(ctx, acct, "shop", "checkout", fn.ETag),
		"trigger delete":  s.DeleteTrigger(ctx, acct, "shop", "checkout", "nightly", tr.ETag),
		"alias delete":    s.DeleteAlias(ctx, acct, "shop", "live", al.ETag),
	}
	for name, err := range stale {
		assert.True(t, fc.IsCode(err, fc.CodePreconditionFailed), "%s: %v", name, err)
	}
	_, err := s.PublishVersion(ctx, acct, "shop", "", svc.ETag)
	requireCode(t, err, fc.CodePreconditionFailed)
}

func TestIfMatchIsComparedWithoutQuotes(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	svc := mustService(t, s, "shop")
	_, err := s.UpdateService(context.Background(), acct, "shop", fc.ServiceInput{}, `"`+svc.ETag+`"`)
	require.NoError(t, err)
}

func TestDeleteServiceWithChildrenIsServiceNotEmpty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name  string
		setup func(t *testing.T, s *BoltStore)
	}{
		{"a service with a function", func(t *testing.T, s *BoltStore) {
			mustFunction(t, s, "shop", "checkout", "v1")
		}},
		{"a service with a version", func(t *testing.T, s *BoltStore) {
			mustPublish(t, s, "shop")
		}},
		{"a service whose functions are gone but whose version and alias remain", func(t *testing.T, s *BoltStore) {
			mustFunction(t, s, "shop", "checkout", "v1")
			mustPublish(t, s, "shop")
			mustAlias(t, s, "shop", "live", "1")
			require.NoError(t, s.DeleteFunction(ctx, acct, "shop", "checkout", ""))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			mustService(t, s, "shop")
			c.setup(t, s)
			requireCode(t, s.DeleteService(ctx, acct, "shop", ""), fc.CodeServiceNotEmpty)
		})
	}
}

func TestDeleteServiceRemovesItAndItsVersionCounter(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustPublish(t, s, "shop")
	require.NoError(t, s.DeleteVersion(ctx, acct, "shop", "1"))
	svc, err := s.GetService(ctx, acct, "shop", "")
	require.NoError(t, err)
	require.NoError(t, s.DeleteService(ctx, acct, "shop", svc.ETag))

	_, err = s.GetService(ctx, acct, "shop", "")
	requireCode(t, err, fc.CodeServiceNotFound)
	requireCode(t, s.DeleteService(ctx, acct, "shop", ""), fc.CodeServiceNotFound)

	// A recreated service is a new service: its versions start from 1.
	mustService(t, s, "shop")
	assert.Equal(t, "1", mustPublish(t, s, "shop").VersionID)
}

func names[T any](items []T, name func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

func TestListServicesPagesByNameWithPrefixStartKeyAndNextToken(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	for _, n := range []string{"b2", "a1", "b1", "c1", "b3", "b4"} {
		mustService(t, s, n)
	}
	svcName := func(s fc.Service) string { return s.ServiceName }
	list := func(opt fc.ListOptions) ([]string, string) {
		out, err := s.ListServices(ctx, acct, opt)
		require.NoError(t, err)
		return names(out.Services, svcName), out.NextToken
	}

	all, tok := list(fc.ListOptions{})
	assert.Equal(t, []string{"a1", "b1", "b2", "b3", "b4", "c1"}, all)
	assert.Empty(t, tok, "no nextToken on the last page")

	page, tok := list(fc.ListOptions{Prefix: "b", Limit: 2})
	assert.Equal(t, []string{"b1", "b2"}, page)
	require.NotEmpty(t, tok)
	page, tok = list(fc.ListOptions{Prefix: "b", Limit: 2, NextToken: tok})
	assert.Equal(t, []string{"b3", "b4"}, page)
	assert.Empty(t, tok, "the page that ends the prefix is the last")

	page, tok = list(fc.ListOptions{StartKey: "b2", Limit: 3})
	assert.Equal(t, []string{"b2", "b3", "b4"}, page, "startKey is inclusive")
	page, tok = list(fc.ListOptions{StartKey: "b2", Limit: 3, NextToken: tok})
	assert.Equal(t, []string{"c1"}, page)
	assert.Empty(t, tok)

	page, _ = list(fc.ListOptions{Prefix: "b", StartKey: "b3"})
	assert.Equal(t, []string{"b3", "b4"}, page)
	page, _ = list(fc.ListOptions{Prefix: "z"})
	assert.Empty(t, page)

	_, err := s.ListServices(ctx, acct, fc.ListOptions{NextToken: "%%%"})
	requireCode(t, err, fc.CodeInvalidArgument)
}

func TestListLimitDefaultsToTwenty(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for i := range 25 {
		mustService(t, s, "svc"+string(rune('a'+i)))
	}
	out, err := s.ListServices(context.Background(), acct, fc.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, out.Services, fc.DefaultListLimit)
	assert.NotEmpty(t, out.NextToken)
}

func TestListLimitAboveTheMaximumIsCapped(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	for i := range fc.MaxListLimit + 1 {
		_, err := s.CreateService(context.Background(), acct, fc.ServiceInput{ServiceName: fmt.Sprintf("svc%03d", i)})
		require.NoError(t, err)
	}
	out, err := s.ListServices(context.Background(), acct, fc.ListOptions{Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, out.Services, fc.MaxListLimit)
	assert.NotEmpty(t, out.NextToken)
}
