package applier

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

// errAnswerLost is what a write returns when the connection dropped after
// the request: the server may or may not have carried it out.
var errAnswerLost = &fc.APIError{HTTPStatus: 502, Code: "BadGateway", Message: "the answer was lost"}

// lossyClient is a real client whose layer publishes and custom domain
// creates can be lost. For the nth call (from 1), sent says whether the
// request reaches the server and answered whether its answer comes back;
// nil means always.
type lossyClient struct {
	*fc.Client
	sent, answered func(n int) bool
	// getDomain and listLayer, when set, answer GetCustomDomain and
	// ListAllLayerVersions instead of the server.
	getDomain func() (*fc.CustomDomain, error)
	listLayer func(real []fc.Layer, err error) ([]fc.Layer, error)

	publishes, creates atomic.Int32
}

func newLossyClient(t *testing.T) (*lossyClient, *fc.Client) {
	t.Helper()
	c, err := fc.NewClient(localfctest.Start(t).Config())
	require.NoError(t, err)
	return &lossyClient{Client: c}, c
}

func (l *lossyClient) decide(n int) (sent, answered bool) {
	return l.sent == nil || l.sent(n), l.answered == nil || l.answered(n)
}

func (l *lossyClient) PublishLayerVersion(ctx context.Context, layer string, in fc.PublishLayerVersionInput) (*fc.Layer, error) {
	sent, answered := l.decide(int(l.publishes.Add(1)))
	if !sent {
		return nil, errAnswerLost
	}
	out, err := l.Client.PublishLayerVersion(ctx, layer, in)
	if !answered {
		return nil, errAnswerLost
	}
	return out, err
}

func (l *lossyClient) CreateCustomDomain(ctx context.Context, in fc.CustomDomainInput) (*fc.CustomDomain, error) {
	sent, answered := l.decide(int(l.creates.Add(1)))
	if !sent {
		return nil, errAnswerLost
	}
	out, err := l.Client.CreateCustomDomain(ctx, in)
	if !answered {
		return nil, errAnswerLost
	}
	return out, err
}

func (l *lossyClient) GetCustomDomain(ctx context.Context, domain string) (*fc.CustomDomain, error) {
	if l.getDomain != nil {
		return l.getDomain()
	}
	return l.Client.GetCustomDomain(ctx, domain)
}

func (l *lossyClient) ListAllLayerVersions(ctx context.Context, layer string) ([]fc.Layer, error) {
	vs, err := l.Client.ListAllLayerVersions(ctx, layer)
	if l.listLayer != nil {
		return l.listLayer(vs, err)
	}
	return vs, err
}

func firstOnly(n int) bool { return n == 1 }
func notFirst(n int) bool  { return n > 1 }
func never(int) bool       { return false }

func layerVersions(t *testing.T, c *fc.Client, name string) []fc.Layer {
	t.Helper()
	vs, err := c.ListAllLayerVersions(context.Background(), name)
	require.NoError(t, err)
	return vs
}

func TestALayerPublishWhoseAnswerIsLostIsNotPublishedTwice(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	p.desired.Layers[0].Description = "shared deps"
	lossy.answered = notFirst

	res, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Created, stepActions(res)["layer.deps"])
	assert.Equal(t, int32(1), lossy.publishes.Load(), "the version found by reading back is not published again")
	vs := layerVersions(t, c, "deps")
	require.Len(t, vs, 1)
	fn, err := c.GetFunction(context.Background(), "shop", "", "checkout")
	require.NoError(t, err)
	assert.Equal(t, []string{vs[0].ARN}, fn.Layers, "the function uses the version found")
}

func TestALostLayerPublishThatDidNotHappenIsSentAgain(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.sent, lossy.answered = notFirst, notFirst

	res, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err, "a layer with no version at all is published again")
	assert.Equal(t, Created, stepActions(res)["layer.deps"])
	assert.Equal(t, int32(2), lossy.publishes.Load())
	assert.Len(t, layerVersions(t, c, "deps"), 1)
}

func TestALostPublishIsNotTakenForAnOlderVersionWithOtherDescription(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	p.desired.Layers[0].Description = "first"
	_, err := Apply(context.Background(), c, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	// The same bytes with a new description: a new version, whose first
	// publish is lost before it reaches the server.
	p.desired.Layers[0].Description = "second"
	lossy.sent, lossy.answered = notFirst, notFirst
	_, err = Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, int32(2), lossy.publishes.Load(), "version 1 has the planned code but not the planned description")
	vs := layerVersions(t, c, "deps")
	require.Len(t, vs, 2)
	assert.Equal(t, "second", vs[1].Description)
}

func TestACustomDomainCreateWhoseAnswerIsLostIsNotCreatedTwice(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.answered = never

	res, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Created, stepActions(res)["custom_domain.api.example.com"])
	assert.Equal(t, int32(1), lossy.creates.Load())
	assert.False(t, currentPlan(t, c, p, false).HasChanges())
}

func TestALostCustomDomainCreateThatDidNotHappenIsSentAgain(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.sent, lossy.answered = notFirst, notFirst

	res, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Created, stepActions(res)["custom_domain.api.example.com"])
	assert.Equal(t, int32(2), lossy.creates.Load())
}

func TestALayerPublishLostEveryTimeIsSentAgainAtMostMaxResendsTimes(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.sent = never

	res, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.ErrorIs(t, err, errAnswerLost)
	assert.Equal(t, Failed, stepActions(res)["layer.deps"])
	assert.Equal(t, int32(1+maxResends), lossy.publishes.Load())
}

func TestACustomDomainCreateLostEveryTimeIsSentAgainAtMostMaxResendsTimes(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.sent = never

	res, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.ErrorIs(t, err, errAnswerLost)
	assert.Equal(t, Failed, stepActions(res)["custom_domain.api.example.com"])
	assert.Equal(t, int32(1+maxResends), lossy.creates.Load())
}

func TestACustomDomainTakenMeanwhileWithOtherRoutesIsAConflictNotSentAgain(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	plan := currentPlan(t, c, p, false)
	// Someone routes the domain elsewhere after the plan was made.
	other := p.desired.CustomDomains[0].Input
	other.DomainName = "api.example.com"
	other.RouteConfig = &fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/other/*", ServiceName: "elsewhere", FunctionName: "fn"}}}
	_, err := c.CreateCustomDomain(context.Background(), other)
	require.NoError(t, err)

	res, err := Apply(context.Background(), lossy, plan, Options{Code: p.provider()})
	require.ErrorContains(t, err, "DomainNameAlreadyExists")
	assert.Equal(t, Conflict, stepActions(res)["custom_domain.api.example.com"], "someone else's change: plan again")
	assert.Equal(t, int32(1), lossy.creates.Load(), "an answer that was not lost is not a reason to send again")
	d, err := c.GetCustomDomain(context.Background(), "api.example.com")
	require.NoError(t, err)
	assert.Equal(t, "/other/*", d.RouteConfig.Routes[0].Path, "the other routes are kept")
}

func TestALostCustomDomainCreateThatCannotBeReadBackIsNotSentAgain(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.sent = never
	lossy.getDomain = func() (*fc.CustomDomain, error) {
		return nil, &fc.APIError{HTTPStatus: 500, Code: fc.CodeInternalServerError, Message: "read failed"}
	}

	res, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.ErrorIs(t, err, errAnswerLost)
	assert.Equal(t, Failed, stepActions(res)["custom_domain.api.example.com"])
	assert.Equal(t, int32(1), lossy.creates.Load(), "without a read-back there is no knowing that it did not happen")
}

func TestACustomDomainWithNewRoutesIsUpdated(t *testing.T) {
	t.Parallel()
	_, c := newLossyClient(t)
	p := newCurrentProject(t)
	_, err := Apply(context.Background(), c, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	p.desired.CustomDomains[0].Input.RouteConfig.Routes[0].Path = "/v2/*"
	res, err := Apply(context.Background(), c, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Updated, stepActions(res)["custom_domain.api.example.com"])
	d, err := c.GetCustomDomain(context.Background(), "api.example.com")
	require.NoError(t, err)
	assert.Equal(t, "/v2/*", d.RouteConfig.Routes[0].Path)
	assert.False(t, currentPlan(t, c, p, false).HasChanges())
}

func TestACustomDomainCreatedMeanwhileWithThePlannedRoutesIsSettledAsCreated(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	plan := currentPlan(t, c, p, false)
	// A concurrent apply of the same project creates it first.
	in := p.desired.CustomDomains[0].Input
	in.DomainName = "api.example.com"
	_, err := c.CreateCustomDomain(context.Background(), in)
	require.NoError(t, err)

	res, err := Apply(context.Background(), lossy, plan, Options{Code: p.provider()})
	require.NoError(t, err, "409 DomainNameAlreadyExists is read back, not reported")
	assert.Equal(t, Created, stepActions(res)["custom_domain.api.example.com"])
	assert.Equal(t, int32(1), lossy.creates.Load())
}

func TestALostPublishIsNotSettledByAVersionListThatFailed(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.answered = notFirst
	// The versions read back come with an error: they may be a part of the
	// list, so the newest of them proves nothing.
	lossy.listLayer = func(real []fc.Layer, _ error) ([]fc.Layer, error) {
		return real, &fc.APIError{HTTPStatus: 500, Code: fc.CodeInternalServerError, Message: "page 2 failed"}
	}

	_, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, int32(2), lossy.publishes.Load(), "published again rather than trust a failed list")
}

func TestALostPublishOfALayerListedWithoutVersionsIsSentAgain(t *testing.T) {
	t.Parallel()
	lossy, c := newLossyClient(t)
	p := newCurrentProject(t)
	lossy.sent, lossy.answered = notFirst, notFirst
	// A server may answer an empty list, rather than 404, for a layer
	// without versions.
	lossy.listLayer = func([]fc.Layer, error) ([]fc.Layer, error) { return []fc.Layer{}, nil }

	_, err := Apply(context.Background(), lossy, currentPlan(t, c, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, int32(2), lossy.publishes.Load())
	assert.Len(t, layerVersions(t, c, "deps"), 1)
}
