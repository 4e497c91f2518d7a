package packager

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The cache holds, per code directory, the zip of its latest tree:
// <CacheDir>/<source id>/<tree key>.zip plus a .json with its checksum. One
// folder per source keeps a lookup to one small directory read, however
// many functions a project has.
// The tree key hashes what a stat can see, and the zip itself is trusted
// while its size and modification time are those it was written with, so
// a warm run reads no file contents at all; the zip's checksum is verified
// whenever its bytes are used (Archive.Bytes).

// cacheMeta is the .json next to a cached zip.
type cacheMeta struct {
	Checksum string `json:"checksum"`
	Size     int64  `json:"size"`
	Files    int    `json:"files"`
	// ModTime is the zip file's modification time (Unix nanoseconds) as
	// written: while the file still has it and Size, a lookup trusts the
	// recorded checksum without reading the zip (see cacheRead).
	ModTime int64 `json:"modTime,omitempty"`
}

func hashHex(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sourceID names a code directory's entries in the cache.
func sourceID(root string) string { return hashHex("source", root)[:16] }

// cacheKey hashes the packager format, the deflate level, the .fcignore
// contents and every file's path, size, mtime and mode (and, for symlinks,
// the path read).
func cacheKey(t *tree, level int) string {
	h := sha256.New()
	fmt.Fprintf(h, "fcdeploy packager format %s\nlevel %d\nroot %s\nignore %d\n", FormatVersion, level, t.root, len(t.ignore))
	h.Write(t.ignore)
	buf := make([]byte, 0, 512)
	for _, e := range t.entries {
		buf = append(buf[:0], e.name...)
		buf = append(buf, 0)
		buf = append(buf, e.real...)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, e.size, 10)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, e.mtime, 10)
		buf = append(buf, 0)
		buf = strconv.AppendUint(buf, uint64(e.mode), 8)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (p *Packager) cachePaths(root, key string) (zipPath, metaPath string) {
	base := filepath.Join(p.opt.CacheDir, sourceID(root), key)
	return base + ".zip", base + ".json"
}

// prefetched is a cache entry read and verified while the tree was walked.
type prefetched struct {
	key  string
	arch *Archive
}

// cachePrefetch reads and verifies the directory's cache entry (there is at
// most one per directory) on another goroutine while the caller walks the
// tree: on a warm run, reading and checksumming the zip then costs no extra
// wall time. The result is nil when there is no single valid entry.
func (p *Packager) cachePrefetch(dir, root string) <-chan *prefetched {
	ch := make(chan *prefetched, 1)
	go func() {
		metas, _ := filepath.Glob(filepath.Join(p.opt.CacheDir, sourceID(root), "*.json"))
		if len(metas) != 1 {
			ch <- nil
			return
		}
		key := strings.TrimSuffix(filepath.Base(metas[0]), ".json")
		if a := p.cacheRead(dir, root, key); a != nil {
			ch <- &prefetched{key: key, arch: a}
			return
		}
		ch <- nil
	}()
	return ch
}

// cacheGet returns the cached archive of t, or nil on a miss.
func (p *Packager) cacheGet(t *tree, key string) *Archive {
	return p.cacheRead(t.dir, t.root, key)
}

// cacheRead reads an entry, or returns nil. A zip whose size and
// modification time are those recorded when it was written is taken as it
// is, unread: checksumming it cost most of a warm run, and its bytes are
// verified anyway whenever they are used (Archive.Bytes, and promotion
// checks the artifacts' checksums). Any other zip is checksummed, and one
// that does not match is deleted and treated as a miss.
func (p *Packager) cacheRead(dir, root, key string) *Archive {
	zipPath, metaPath := p.cachePaths(root, key)
	raw, err := os.ReadFile(metaPath)
	if err != nil {
		return nil
	}
	var m cacheMeta
	if json.Unmarshal(raw, &m) != nil {
		_ = os.Remove(metaPath)
		return nil
	}
	if m.Size > p.opt.MaxSize {
		return nil // built under a bigger limit: not for this Packager
	}
	fi, err := os.Stat(zipPath)
	if err != nil || fi.Size() != m.Size || m.ModTime == 0 || fi.ModTime().UnixNano() != m.ModTime {
		sum, err := checksumFile(zipPath, m.Size)
		if err != nil || sum != m.Checksum {
			_ = os.Remove(metaPath)
			_ = os.Remove(zipPath)
			return nil
		}
	}
	return &Archive{
		Path: zipPath, Checksum: m.Checksum, Size: m.Size, Files: m.Files,
		Source: dir, Cached: true,
	}
}

// cachePut stores a as t's entry (zip first, then its metadata, each
// written to a temporary file and renamed) and drops the directory's older
// entries. It returns the cached zip's path.
func (p *Packager) cachePut(t *tree, key string, a *Archive) (string, error) {
	dir := filepath.Join(p.opt.CacheDir, sourceID(t.root))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("packager cache: %w", err)
	}
	zipPath, metaPath := p.cachePaths(t.root, key)
	if err := writeAtomic(zipPath, a.Zip); err != nil {
		return "", err
	}
	m := cacheMeta{Checksum: a.Checksum, Size: a.Size, Files: a.Files}
	if fi, err := os.Stat(zipPath); err == nil {
		m.ModTime = fi.ModTime().UnixNano()
	}
	meta, _ := json.Marshal(m)
	if err := writeAtomic(metaPath, meta); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, o := range old {
		if !strings.HasPrefix(filepath.Base(o), key+".") {
			_ = os.Remove(o)
		}
	}
	return zipPath, nil
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("packager cache: %w", err)
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("packager cache: %w", err)
	}
	return nil
}

// checksumFile streams a file of the given size through CodeChecksum with a
// recycled buffer: a warm run verifies the cached zip without holding it in
// memory (reading it whole into a fresh buffer cost more in page faults
// than the checksum itself). A file of another size is an error.
func checksumFile(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := getBuf(chunkSize)[:chunkSize]
	defer putBuf(buf)
	h := fc.NewChecksumHash()
	var n int64
	for {
		m, err := f.Read(buf)
		h.Write(buf[:m])
		n += int64(m)
		if n > size {
			return "", fmt.Errorf("longer than the recorded %d bytes", size)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	if n != size {
		return "", fmt.Errorf("size %d, expected %d", n, size)
	}
	return strconv.FormatUint(h.Sum64(), 10), nil
}

// chunkSize is the read size of checksumFile: small enough to stay in the
// CPU cache between the read and the checksum.
const chunkSize = 256 << 10

// readVerified reads a whole file and checks it against the size and
// checksum recorded when it was packaged.
func readVerified(path string, size int64, checksum string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data := make([]byte, size+1) // one more byte to notice a longer file
	n, err := io.ReadFull(f, data)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	if int64(n) != size {
		return nil, fmt.Errorf("%s is %d bytes, %d were packaged; run the command again", path, n, size)
	}
	data = data[:n]
	if sum := fc.CodeChecksum(data); sum != checksum {
		return nil, fmt.Errorf("%s changed since it was packaged (checksum %s, expected %s); run the command again", path, sum, checksum)
	}
	return data, nil
}
