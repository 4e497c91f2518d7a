package packager

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A directory walk lists a/b.py before a-b.txt and a.txt (it visits "a"
// first), but byte order of the full paths puts '-' and '.' before '/': the
// zip must follow the full paths, or two trees with the same files could
// still disagree with other tools that sort by name.
func TestEntriesFollowFullPathOrderNotWalkOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		"a/b.py":     {body: "def handler(e, c):\n    return 1\n"},
		"a/c/d.py":   {body: "x = 1\n"},
		"a.txt":      {body: "beside the directory\n"},
		"a-b.txt":    {body: "dash sorts before dot and slash\n"},
		"a/b.py.bak": {body: "kept: no ignore file\n"},
	})
	a := pkgDir(t, dir)
	assert.Equal(t, []string{"a-b.txt", "a.txt", "a/b.py", "a/b.py.bak", "a/c/d.py"}, zipNames(t, a.Zip))
}
