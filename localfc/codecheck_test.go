package localfc

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zipEntry is one entry of a zip built for a test.
type zipEntry struct {
	name    string
	mode    fs.FileMode
	content string
}

func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.content == "" {
			h.Method = zip.Store // a deflate writer per empty entry is slow
		}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		f, err := w.CreateHeader(h)
		require.NoError(t, err)
		_, err = f.Write([]byte(e.content))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func file(name, content string) zipEntry { return zipEntry{name: name, content: content} }
func link(name, target string) zipEntry {
	return zipEntry{name: name, mode: fs.ModeSymlink | 0o777, content: target}
}

func checkZip(t testing.TB, maxBytes int64, entries ...zipEntry) error {
	t.Helper()
	data := buildZip(t, entries...)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	return checkCodeArchive(zr, maxBytes)
}

func TestCodeThatCouldNeverRunSafelyIsRefusedByItsArchive(t *testing.T) {
	t.Parallel()
	const mb = 1 << 20
	tests := []struct {
		name    string
		entries []zipEntry
		want    string
	}{
		{"a name climbing out of the root", []zipEntry{file("../evil.py", "x")}, "climbs out"},
		{"a name climbing out after a detour", []zipEntry{file("a/../../evil.py", "x")}, "climbs out"},
		{"an absolute name", []zipEntry{file("/etc/passwd", "x")}, "absolute"},
		{"a Windows drive name", []zipEntry{file(`C:\evil.py`, "x")}, "absolute"},
		{"a link to an absolute path", []zipEntry{link("l", "/etc")}, "absolute"},
		{"a link climbing out directly", []zipEntry{link("l", "../x")}, "outside"},
		{"a chain of links that each look inside", []zipEntry{link("a/b", ".."), link("c", "a/b/../x")}, "outside"},
		{"a chain through a path that does not exist yet", []zipEntry{link("up", ".."), link("c", "missing/../up/../x")}, "outside"},
		{"a link loop", []zipEntry{link("a", "b"), link("b", "a")}, "chain"},
		{"a FIFO", []zipEntry{{name: "p", mode: fs.ModeNamedPipe | 0o644}}, "named pipe"},
		{"a device", []zipEntry{{name: "d", mode: fs.ModeDevice | 0o644}}, "device"},
		{"the same file twice", []zipEntry{file("index.py", "a"), file("index.py", "b")}, "twice"},
		{"the same file twice under another spelling", []zipEntry{file("index.py", "a"), file("./index.py", "b")}, "twice"},
		{"a file that is also a directory's parent", []zipEntry{file("a", "x"), file("a/b.py", "y")}, "parent a is not a directory"},
		{"a path longer than a file system takes", []zipEntry{file(strings.Repeat("d/", 600)+"x", "")}, "more than 1024"},
		{"a name longer than a file system takes", []zipEntry{file(strings.Repeat("n", 300), "")}, "more than 255"},
		{"content beyond the unpacked limit", []zipEntry{file("big", strings.Repeat("0", 2*mb))}, "beyond the unpacked size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkZip(t, mb, tt.entries...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCodeWithInsideLinksAndNestedDirectoriesIsAccepted(t *testing.T) {
	t.Parallel()
	err := checkZip(t, 1<<20,
		zipEntry{name: "lib/", mode: fs.ModeDir | 0o755},
		file("lib/util.py", "x"),
		file("index.py", "import lib.util"),
		link("current", "lib"),
		link("lib/self", "../lib/util.py"),
		link("dangling", "lib/not-yet"),
		link("via", "current/../index.py"),
	)
	assert.NoError(t, err)
}

func TestTooManyEntriesAreRefused(t *testing.T) {
	t.Parallel()
	entries := make([]zipEntry, 100_001)
	for i := range entries {
		entries[i] = zipEntry{name: "d" + strconv.Itoa(i%7) + "/" + strconv.Itoa(i)}
	}
	err := checkZip(t, 1<<20, entries...)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "100001 entries")
}

func TestBadCodeIsRefusedAtCreateWith400NotAtInvoke(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	body := functionBody(t, "slip")
	body["code"] = map[string]any{"zipFile": base64.StdEncoding.EncodeToString(buildZip(t, file("../../evil.py", "x")))}
	r := e.do("POST", api+"/services/shop/functions", body)
	assert.Equal(t, 400, r.status, "body: %s", r.body)
	assert.Contains(t, string(r.body), "climbs out")

	e.mustOK("POST", api+"/services/shop/functions", functionBody(t, "good"))
	r = e.do("PUT", api+"/services/shop/functions/good", map[string]any{
		"code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString(buildZip(t, link("up", ".."), link("c", "nope/../up/../x")))},
	})
	assert.Equal(t, 400, r.status, "an update is checked the same way: %s", r.body)
}

func TestEnvironmentVariablesAreCheckedAtCreate(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"5 MB of variables", map[string]string{"BIG": strings.Repeat("v", 5<<20)}, "more than the 4096"},
		{"just over 4 KB", map[string]string{"A": strings.Repeat("v", 4096)}, "4097 bytes"},
		{"a reserved FC_ name", map[string]string{"FC_REGION": "x"}, "reserved"},
		{"a name starting with a digit", map[string]string{"1A": "x"}, "invalid"},
	}
	for i, tt := range tests {
		body := functionBody(t, "f"+strconv.Itoa(i))
		body["environmentVariables"] = tt.env
		r := e.do("POST", api+"/services/shop/functions", body)
		assert.Equal(t, 400, r.status, "%s: %s", tt.name, truncate(string(r.body), 300))
		assert.Contains(t, string(r.body), tt.want, tt.name)
		assert.NotContains(t, string(r.body), "vvvv", "%s: values are never echoed", tt.name)
	}
	body := functionBody(t, "ok")
	body["environmentVariables"] = map[string]string{"A": strings.Repeat("v", 4095)}
	e.mustOK("POST", api+"/services/shop/functions", body)
}
