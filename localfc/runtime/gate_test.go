package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// handlerGate lets a test order events around a running python handler
// without sleeping: the handler says when it has started, then holds until
// the test releases it.
type handlerGate struct {
	started, release string
}

func newHandlerGate(t testing.TB) handlerGate {
	dir := t.TempDir()
	return handlerGate{started: filepath.Join(dir, "started"), release: filepath.Join(dir, "release")}
}

// source is a python index.py whose handler signals, holds, then returns "done".
func (g handlerGate) source() file {
	return py(fmt.Sprintf(`import os, time
def handler(e, c):
    open(%q, "w").close()
    while not os.path.exists(%q):
        time.sleep(0.01)
    return "done"
`, g.started, g.release))
}

// waitStarted returns once the handler is running.
func (g handlerGate) waitStarted(t testing.TB) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := os.Stat(g.started)
		return err == nil
	}, time.Minute, 5*time.Millisecond, "the handler never started")
}

// open lets the handler return.
func (g handlerGate) open(t testing.TB) {
	t.Helper()
	require.NoError(t, os.WriteFile(g.release, nil, 0o644))
}
