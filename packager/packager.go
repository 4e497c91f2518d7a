package packager

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fcdeploy/fcdeploy/fc"
)

// Archive is a function's code ready for Function Compute. Archives returned
// by a Packager may be shared by several callers: treat them as read-only.
type Archive struct {
	// Zip is the archive's bytes (at most the size limit, 50 MB) when they
	// are in memory; nil for a cache hit, whose bytes stay on disk at Path
	// until Bytes reads them. Use Bytes.
	Zip []byte
	// Path is a file holding the same bytes (a cache entry or the pre-built
	// file), "" when the archive exists only in memory.
	Path string
	// Checksum is fc.CodeChecksum(Zip).
	Checksum string
	Size     int64
	// Files is the number of files inside the zip.
	Files int
	// Source is the code directory or file as given.
	Source string
	// Cached says the zip came from the on-disk cache without re-reading
	// the tree.
	Cached bool
}

// Bytes returns the zip: Zip when in memory, else the file at Path, read
// and checked against Checksum (a cache entry changed or removed since it
// was verified is an error, never other bytes).
func (a *Archive) Bytes() ([]byte, error) {
	if a.Zip != nil || a.Path == "" {
		return a.Zip, nil
	}
	data, err := readVerified(a.Path, a.Size, a.Checksum)
	if err != nil {
		return nil, fmt.Errorf("code %s: %w", a.Source, err)
	}
	return data, nil
}

// Base64 is the zip as the API's code.zipFile wants it.
func (a *Archive) Base64() (string, error) {
	data, err := a.Bytes()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(data), nil
}

// SaveAs writes the zip to dst atomically (a hard link to Path when
// possible, else a copy), creating dst's directory.
func (a *Archive) SaveAs(dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := dst + ".tmp-" + a.Checksum
	_ = os.Remove(tmp)
	if a.Path == "" || os.Link(a.Path, tmp) != nil {
		data, err := a.Bytes()
		if err != nil {
			return err
		}
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// Options configure a Packager.
type Options struct {
	// CacheDir keeps zips across runs, e.g. <project>/.fcdeploy/cache;
	// "" disables the cache.
	CacheDir string
	// Concurrency is how many files are compressed at once; 0 means
	// runtime.GOMAXPROCS(0).
	Concurrency int
	// MaxSize is the largest zip accepted; 0 means fc.MaxZipSize.
	MaxSize int64
	// Level is the deflate level; 0 means DefaultLevel. Changing it changes
	// the bytes of every archive.
	Level int
}

// DefaultLevel is the deflate level archives are built with: with
// klauspost/compress it gives zips a little smaller than Info-ZIP's default
// (-6) for less than a third of zip's CPU (bench/package).
const DefaultLevel = 6

// DirOptions describe the function a directory is packaged for; they only
// drive checks, never the zip's content.
type DirOptions struct {
	Runtime string
	Handler string
}

// Stats count what a Packager did, for callers and tests.
type Stats struct {
	Built     int64 // zips built by reading and compressing a tree
	CacheHits int64 // zips taken from the on-disk cache
	Shared    int64 // calls answered by a packaging already done or running in this run
	// CacheWriteErrors counts cache entries that could not be stored;
	// packaging still succeeds without them. LastCacheError is the latest.
	CacheWriteErrors int64
	LastCacheError   string
}

// Packager packages code. One Packager per run: it remembers what it
// packaged so a directory shared by several functions is zipped once. It is
// safe for concurrent use.
type Packager struct {
	opt     Options
	mu      sync.Mutex
	flights map[string]*flight

	built, cacheHits, shared, cacheErrs atomic.Int64
	lastCacheErr                        atomic.Value // string
}

// flight is one packaging, done once; later callers wait on done.
type flight struct {
	done chan struct{}
	tree *tree // nil for pre-built files or when the walk failed
	arch *Archive
	err  error
}

// New returns a Packager.
func New(opt Options) *Packager {
	if opt.Concurrency <= 0 {
		opt.Concurrency = runtime.GOMAXPROCS(0)
	}
	if opt.MaxSize <= 0 {
		opt.MaxSize = fc.MaxZipSize
	}
	if opt.Level == 0 {
		opt.Level = DefaultLevel
	}
	return &Packager{opt: opt, flights: map[string]*flight{}}
}

// Stats returns the counters so far.
func (p *Packager) Stats() Stats {
	s := Stats{Built: p.built.Load(), CacheHits: p.cacheHits.Load(), Shared: p.shared.Load(), CacheWriteErrors: p.cacheErrs.Load()}
	if v, ok := p.lastCacheErr.Load().(string); ok {
		s.LastCacheError = v
	}
	return s
}

// do runs fn once per key; concurrent and later callers get the same
// result. A flight that failed because its context ended is forgotten so a
// later caller can try again.
func (p *Packager) do(ctx context.Context, key string, fn func(f *flight)) (*flight, error) {
	p.mu.Lock()
	f, ok := p.flights[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		p.flights[key] = f
	}
	p.mu.Unlock()
	if ok {
		p.shared.Add(1)
		select {
		case <-f.done:
			return f, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	fn(f)
	if errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded) {
		p.mu.Lock()
		delete(p.flights, key)
		p.mu.Unlock()
	}
	close(f.done)
	return f, nil
}

// PackageDir zips the code directory dir for a function with opt's runtime
// and handler.
func (p *Packager) PackageDir(ctx context.Context, dir string, opt DirOptions) (*Archive, error) {
	root, err := resolveDir(dir)
	if err != nil {
		return nil, err
	}
	f, err := p.do(ctx, "dir:"+root, func(f *flight) {
		var prefetch <-chan *prefetched
		if p.opt.CacheDir != "" {
			prefetch = p.cachePrefetch(dir, root)
		}
		f.tree, f.err = walkTree(dir, root)
		if f.err == nil {
			f.arch, f.err = p.archiveTree(ctx, f.tree, prefetch)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("code directory %s: %w", dir, err)
	}
	if f.tree != nil {
		if err := checkHandler(f.tree, opt); err != nil {
			return nil, err
		}
	}
	return f.arch, f.err
}

func resolveDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("code directory %s: %w", dir, err)
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("code directory %s: %w", dir, err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return "", fmt.Errorf("code directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("code directory %s: is not a directory; use a directory, a .zip/.jar file or oss://bucket/object", dir)
	}
	return root, nil
}

// archiveTree takes the tree's zip from the cache or builds it.
func (p *Packager) archiveTree(ctx context.Context, t *tree, prefetch <-chan *prefetched) (*Archive, error) {
	var key string
	if p.opt.CacheDir != "" {
		key = cacheKey(t, p.opt.Level)
		if pf := <-prefetch; pf != nil && pf.key == key {
			p.cacheHits.Add(1)
			return pf.arch, nil
		}
		if a := p.cacheGet(t, key); a != nil {
			p.cacheHits.Add(1)
			return a, nil
		}
	}
	zipBytes, err := buildZip(ctx, t, p.opt.Level, p.opt.Concurrency, p.opt.MaxSize)
	if err != nil {
		return nil, err
	}
	p.built.Add(1)
	a := &Archive{
		Zip: zipBytes, Checksum: fc.CodeChecksum(zipBytes), Size: int64(len(zipBytes)),
		Files: len(t.entries), Source: t.dir,
	}
	if key != "" {
		path, err := p.cachePut(t, key, a)
		if err != nil {
			p.cacheErrs.Add(1)
			p.lastCacheErr.Store(err.Error())
		} else {
			a.Path = path
		}
	}
	return a, nil
}

// PackageFile checks a pre-built .zip or .jar and returns it byte for byte.
func (p *Packager) PackageFile(ctx context.Context, path string) (*Archive, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("code file %s: %w", path, err)
	}
	f, err := p.do(ctx, "file:"+abs, func(f *flight) {
		f.arch, f.err = p.readPrebuilt(path, abs)
	})
	if err != nil {
		return nil, fmt.Errorf("code file %s: %w", path, err)
	}
	return f.arch, f.err
}

func (p *Packager) readPrebuilt(path, abs string) (*Archive, error) {
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("code file %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("code file %s: is not a regular file", path)
	}
	if fi.Size() > p.opt.MaxSize {
		return nil, &TooLargeError{Source: path, Size: fi.Size(), Limit: p.opt.MaxSize}
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("code file %s: %w", path, err)
	}
	if int64(len(data)) > p.opt.MaxSize {
		return nil, &TooLargeError{Source: path, Size: int64(len(data)), Limit: p.opt.MaxSize}
	}
	files, err := checkZip(data)
	if err != nil {
		return nil, fmt.Errorf("code file %s: is not a valid zip archive: %w", path, err)
	}
	return &Archive{
		Zip: data, Path: abs, Checksum: fc.CodeChecksum(data), Size: int64(len(data)),
		Files: files, Source: path,
	}, nil
}

// checkZip reads every member of a zip, so a truncated or corrupt archive
// is refused here rather than by Function Compute. It returns the number of
// files (directory entries excluded).
func checkZip(data []byte) (int, error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return 0, err
	}
	files := 0
	for _, f := range r.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return 0, fmt.Errorf("%s: %w", f.Name, err)
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return 0, fmt.Errorf("%s: %w", f.Name, err)
		}
		files++
	}
	if files == 0 {
		return 0, errors.New("it contains no files")
	}
	return files, nil
}
