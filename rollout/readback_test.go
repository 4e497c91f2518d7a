package rollout_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/rollout"
)

// failingGet is an API whose next GetAlias fails once armed.
type failingGet struct {
	rollout.API
	armed atomic.Bool
}

func (a *failingGet) GetAlias(ctx context.Context, service, alias string) (*fc.Alias, error) {
	if a.armed.CompareAndSwap(true, false) {
		return nil, &fc.APIError{HTTPStatus: 500, Code: fc.CodeInternalServerError, Message: "disk on fire"}
	}
	return a.API.GetAlias(ctx, service, alias)
}

// A failed read of the alias after the wait is not an interruption (the
// context is alive): the step cannot be judged, so the rollout is aborted
// and rolled back rather than left half-way.
func TestAFailedReadBackAfterTheWaitRollsBack(t *testing.T) {
	f := newFixture(t)
	api := &failingGet{API: f.api}
	_, err := rollout.Run(context.Background(), api, spec(nil), f.options(func(ctx context.Context, call int) error {
		if call == 1 {
			api.armed.Store(true) // the read-back after the first wait fails
		}
		return ctx.Err()
	}))

	var abort *rollout.AbortError
	require.ErrorAs(t, err, &abort, "%v", err)
	assert.Equal(t, 1, abort.Step)
	assert.NoError(t, abort.RollbackErr)
	assert.ErrorContains(t, err, "reading the alias back")
	assert.False(t, errors.Is(err, context.Canceled))
	f.assertOn("1")
}
