package applier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTheOutcomeOfAWriteIsUnknownOnlyWhenTheServerMayHaveAppliedIt(t *testing.T) {
	bg := context.Background()
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	for _, c := range []struct {
		name    string
		ctx     context.Context
		err     error
		unknown bool
	}{
		{"no error", bg, nil, false},
		{"a lost answer", bg, errAnswerLost, true},
		{"a broken connection", bg, errors.New("read: connection reset by peer"), true},
		{"status 500", bg, &fc.APIError{HTTPStatus: 500, Code: fc.CodeInternalServerError}, true},
		{"status 502", bg, &fc.APIError{HTTPStatus: 502, Code: fc.CodeInternalServerError}, true},
		{"a refusal", bg, &fc.APIError{HTTPStatus: 400, Code: "InvalidArgument"}, false},
		{"status 499", bg, &fc.APIError{HTTPStatus: 499, Code: "ClientClosed"}, false},
		{"throttled", bg, &fc.APIError{HTTPStatus: 503, Code: "ResourceThrottled"}, false},
		{"our own cancel", cancelled, errAnswerLost, false},
		// The client cancelled the request, not the server: nothing was
		// applied that a resend would need to settle.
		{"a cancel from below", bg, fmt.Errorf("send: %w", context.Canceled), false},
	} {
		assert.Equal(t, c.unknown, outcomeUnknown(c.ctx, c.err), c.name)
	}
}

func TestReadBackComparesJSONByValue(t *testing.T) {
	n := func(s string) json.Number { return json.Number(s) }
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	same := [][2]any{
		{nil, obj()}, {[]any{}, nil},
		{obj("a", n("1")), obj("a", n("1.0"))},
		{[]any{n("1"), "x"}, []any{n("1"), "x"}},
	}
	for _, c := range same {
		assert.True(t, sameJSON(c[0], c[1]), "%v and %v", c[0], c[1])
	}
	different := [][2]any{
		{nil, obj("a", n("1"))}, {obj("a", n("1")), nil},
		{obj("a", n("1")), obj("a", n("1"), "b", n("2"))},
		{obj(), "x"}, {obj("a", n("1")), []any{n("1")}},
		{[]any{n("1")}, []any{n("1"), n("2")}},
		{[]any{}, "x"}, {[]any{n("1")}, obj("a", n("1"))},
		{n("1"), "1"}, {n("1"), n("2")},
	}
	for _, c := range different {
		assert.False(t, sameJSON(c[0], c[1]), "%v and %v", c[0], c[1])
	}
}
