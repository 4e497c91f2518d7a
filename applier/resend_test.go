package applier

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// countedTriggerCreates counts CreateTrigger requests.
type countedTriggerCreates struct {
	*storeAPI
	creates int
}

func (c *countedTriggerCreates) CreateTrigger(ctx context.Context, service, function string, in fc.TriggerInput) (*fc.Trigger, error) {
	c.creates++
	return c.storeAPI.CreateTrigger(ctx, service, function, in)
}

func TestACreateRefusedBecauseADifferentResourceExistsIsNotSentAgain(t *testing.T) {
	t.Parallel()
	store, p := appliedShop(t)
	ctx := context.Background()
	require.NoError(t, store.st.DeleteTrigger(ctx, store.account, "shop", "api", "web", ""))
	plan := planFor(t, store, p, false)
	require.NotNil(t, plan.Change("trigger.shop/api/web"))
	// Someone creates another trigger of that name after the plan.
	_, err := store.st.CreateTrigger(ctx, store.account, "shop", "api", fc.TriggerInput{
		TriggerName: "web", TriggerType: "http", TriggerConfig: []byte(`{"authType":"function","methods":["GET"]}`),
	})
	require.NoError(t, err)

	api := &countedTriggerCreates{storeAPI: store}
	_, err = Apply(ctx, api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 1, api.creates, "an answer that was not lost is not a reason to send again")
}

// vanishingTriggerUpdates answers every UpdateTrigger with a server error
// after someone else deleted the trigger, so the outcome is unknown.
type vanishingTriggerUpdates struct {
	*storeAPI
	updates int
}

func (v *vanishingTriggerUpdates) UpdateTrigger(ctx context.Context, service, function, trigger string, _ fc.TriggerInput, _ string) (*fc.Trigger, error) {
	v.updates++
	_ = v.st.DeleteTrigger(ctx, v.account, service, function, trigger, "")
	return nil, &fc.APIError{HTTPStatus: 500, Code: fc.CodeInternalServerError, Message: "connection reset"}
}

func TestAnUpdateWhoseAnswerWasLostIsNotResentWhenTheResourceIsGone(t *testing.T) {
	t.Parallel()
	store, p := appliedShop(t)
	ctx := context.Background()
	p.function("shop", "api").Triggers[0].Input.TriggerConfig = []byte(`{"authType":"function","methods":["GET"]}`)
	plan := planFor(t, store, p, false)

	api := &vanishingTriggerUpdates{storeAPI: store}
	_, err := Apply(ctx, api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 1, api.updates, "only a create whose answer was lost is sent again")
}

// lostTriggerCreates loses the answer of every CreateTrigger, and the
// trigger is never created.
type lostTriggerCreates struct {
	*storeAPI
	creates int
}

func (l *lostTriggerCreates) CreateTrigger(context.Context, string, string, fc.TriggerInput) (*fc.Trigger, error) {
	l.creates++
	return nil, &fc.APIError{HTTPStatus: 503, Code: fc.CodeInternalServerError, Message: "connection reset"}
}

func TestACreateWhoseAnswerIsLostIsSentAgainAtMostMaxResendsTimes(t *testing.T) {
	t.Parallel()
	store, p := appliedShop(t)
	ctx := context.Background()
	require.NoError(t, store.st.DeleteTrigger(ctx, store.account, "shop", "api", "web", ""))
	plan := planFor(t, store, p, false)

	api := &lostTriggerCreates{storeAPI: store}
	_, err := Apply(ctx, api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 1+maxResends, api.creates)
}

// lostPublishes loses the answer of the first `lose` PublishVersion calls;
// with happen set, the first of them is published all the same.
type lostPublishes struct {
	*storeAPI
	lose      int
	happen    bool
	publishes int
}

func (l *lostPublishes) PublishVersion(ctx context.Context, service, description, ifMatch string) (*fc.Version, error) {
	l.publishes++
	if l.publishes > 20 {
		return nil, errors.New("publishVersion sent more than 20 times")
	}
	if l.publishes <= l.lose {
		if l.publishes == 1 && l.happen {
			if _, err := l.storeAPI.PublishVersion(ctx, service, description, ifMatch); err != nil {
				return nil, err
			}
		}
		return nil, &fc.APIError{HTTPStatus: 502, Code: fc.CodeInternalServerError, Message: "bad gateway"}
	}
	return l.storeAPI.PublishVersion(ctx, service, description, ifMatch)
}

// publishAgain applies the shop, changes a function and plans again, so
// that the plan publishes a version.
func publishAgain(t *testing.T) (*storeAPI, *project, *planner.Plan) {
	t.Helper()
	store, p := appliedShop(t)
	p.function("shop", "api").Config.Timeout = ptr(int32(31))
	plan := planFor(t, store, p, false)
	require.NotNil(t, plan.Change("version.shop"))
	return store, p, plan
}

func TestAPublishWhoseAnswerWasLostButHappenedIsNotPublishedTwice(t *testing.T) {
	t.Parallel()
	store, p, plan := publishAgain(t)
	api := &lostPublishes{storeAPI: store, lose: 1, happen: true}
	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, 2, api.publishes, "sent again once")
	assert.Equal(t, Unchanged, stepActions(res)["version.shop"])
	assert.Equal(t, map[string]string{"shop": "2"}, res.Published)
	versions, err := store.ListAllVersions(context.Background(), "shop")
	require.NoError(t, err)
	assert.Len(t, versions, 2, "versions 1 and 2, no third")
}

func TestAPublishWhoseAnswerIsAlwaysLostIsSentAgainAtMostMaxResendsTimes(t *testing.T) {
	t.Parallel()
	store, p, plan := publishAgain(t)
	api := &lostPublishes{storeAPI: store, lose: 100}
	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 1+maxResends, api.publishes)
	assert.Equal(t, Failed, stepActions(res)["version.shop"])
}

func TestAPublishLostTwiceIsPublishedOnTheThirdSend(t *testing.T) {
	t.Parallel()
	store, p, plan := publishAgain(t)
	api := &lostPublishes{storeAPI: store, lose: maxResends}
	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, 1+maxResends, api.publishes)
	assert.Equal(t, Published, stepActions(res)["version.shop"])
}

// emptyVersionList says the content is already published, then lists no
// version.
type emptyVersionList struct{ *storeAPI }

func (e emptyVersionList) PublishVersion(context.Context, string, string, string) (*fc.Version, error) {
	return nil, &fc.APIError{HTTPStatus: 400, Code: fc.CodeVersionPublishError, Message: "no changes since the last version"}
}

func (e emptyVersionList) ListAllVersions(context.Context, string) ([]fc.Version, error) {
	return nil, nil
}

func TestNothingToPublishWithNoVersionToFollowFailsThePublish(t *testing.T) {
	t.Parallel()
	store, p, plan := publishAgain(t)
	res, err := Apply(context.Background(), emptyVersionList{store}, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no changes since the last version")
	assert.Equal(t, Failed, stepActions(res)["version.shop"])
	assert.Equal(t, Skipped, stepActions(res)["alias.shop/live"], "the alias has no version to follow")
}
