package ziptree_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fcdeploy/fcdeploy/localfc/internal/ziptree"
)

func TestResolveInsideFollowsLinksThroughTheArchivesOwnEntries(t *testing.T) {
	for _, tc := range []struct {
		name  string
		link  string
		links map[string]string
		want  string // "" when the link stays inside
	}{
		{"a sibling", "a/l", map[string]string{"a/l": "../b"}, ""},
		{"a dangling name inside", "l", map[string]string{"l": "not/yet/there"}, ""},
		{"one step out", "l", map[string]string{"l": ".."}, "outside"},
		{"out through a link to the root", "d", map[string]string{"sub/q": "..", "d": "sub/q/../../x"}, "outside"},
		{"out through a link one level down", "x", map[string]string{"deep/up": "..", "x": "deep/up/.."}, "outside"},
		{"back in through a link one level down", "x", map[string]string{"deep/up": "..", "x": "deep/up/deep"}, ""},
		{"a loop", "a", map[string]string{"a": "b", "b": "a"}, "more than 40 symlinks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ziptree.ResolveInside(tc.link, tc.links)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
