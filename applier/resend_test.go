package applier

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
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
	store := newStoreAPI(t)
	p := shopProject(t)
	ctx := context.Background()
	_, err := Apply(ctx, store, planFor(t, store, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	require.NoError(t, store.st.DeleteTrigger(ctx, store.account, "shop", "api", "web", ""))
	plan := planFor(t, store, p, false)
	require.NotNil(t, plan.Change("trigger.shop/api/web"))
	// Someone creates another trigger of that name after the plan.
	_, err = store.st.CreateTrigger(ctx, store.account, "shop", "api", fc.TriggerInput{
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
	store := newStoreAPI(t)
	p := shopProject(t)
	ctx := context.Background()
	_, err := Apply(ctx, store, planFor(t, store, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	p.function("shop", "api").Triggers[0].Input.TriggerConfig = []byte(`{"authType":"function","methods":["GET"]}`)
	plan := planFor(t, store, p, false)

	api := &vanishingTriggerUpdates{storeAPI: store}
	_, err = Apply(ctx, api, plan, Options{Code: p.provider()})
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
	store := newStoreAPI(t)
	p := shopProject(t)
	ctx := context.Background()
	_, err := Apply(ctx, store, planFor(t, store, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	require.NoError(t, store.st.DeleteTrigger(ctx, store.account, "shop", "api", "web", ""))
	plan := planFor(t, store, p, false)

	api := &lostTriggerCreates{storeAPI: store}
	_, err = Apply(ctx, api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 1+maxResends, api.creates)
}
