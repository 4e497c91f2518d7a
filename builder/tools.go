package builder

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// Asking npm its version costs a Node.js start (0.3 s, over a second on a
// loaded machine), more than checking fifty cached builds. So versions of
// node and npm are remembered in the cache, under a stamp of the installed
// files: the resolved executable's path, size and mtime, and those
// of the package.json one level above it (where npm keeps its version). A
// reinstall or upgrade rewrites those files, changes the stamp, and the
// version is asked again. go is asked every time (its answer depends on the
// module's toolchain line) and so is pip (its version is not a file of
// python3's).

const toolsFile = "tools.json"

// memoTools are the tools whose versions are remembered by stamp.
var memoTools = map[string]bool{"node": true, "npm": true}

type toolMemo struct {
	mu     sync.Mutex
	path   string
	loaded bool
	m      map[string]string // stamp -> version
}

// stamp identifies the installed program argv0, or "" when it cannot.
func stamp(argv0 string) string {
	p, err := exec.LookPath(argv0)
	if err != nil {
		return ""
	}
	if p, err = filepath.Abs(p); err != nil {
		return ""
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return ""
	}
	s := argv0 + "\x00" + fileStamp(real)
	if s == argv0+"\x00" {
		return ""
	}
	return s + "\x00" + fileStamp(filepath.Join(filepath.Dir(filepath.Dir(real)), "package.json"))
}

func fileStamp(p string) string {
	fi, err := os.Stat(p)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", p, fi.Size(), fi.ModTime().UnixNano())
}

func (m *toolMemo) load() {
	if m.loaded {
		return
	}
	m.loaded, m.m = true, map[string]string{}
	if data, err := os.ReadFile(m.path); err == nil {
		_ = json.Unmarshal(data, &m.m)
	}
}

func (m *toolMemo) get(stamp string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.load()
	v, ok := m.m[stamp]
	return v, ok
}

// put remembers a version; failing to store it only costs a later run the
// question again.
func (m *toolMemo) put(stamp, version string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.load()
	m.m[stamp] = version
	data, err := json.Marshal(m.m)
	if err != nil || os.MkdirAll(filepath.Dir(m.path), 0o755) != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(m.path), ".tools-*")
	if err != nil {
		return
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil && cerr == nil && os.Rename(f.Name(), m.path) == nil {
		return
	}
	_ = os.Remove(f.Name())
}
