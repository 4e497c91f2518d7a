package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The code cache holds each zip unpacked once, under the SHA-256 of its
// bytes: code-<sha256> for function code, layer-<sha256> for a layer
// version, opt-<sha256 of the layer entries> for a merge of several layers.
// A name that is a digest of the content cannot be claimed by other bytes,
// so a zip forged to collide with another account's CRC-64 never runs as
// that account's code.
//
// An entry lives while it is referenced: by a group (a function
// configuration with instances or provisioned ones) or by an invocation
// between unpacking and reaching its group (a pin). The reaper removes an
// entry that nothing has referenced for IdleTimeout, so code that no
// function uses any more (deleted, updated, or only in deleted versions)
// leaves the disk at most IdleTimeout plus one reaper tick after its last
// invocation. Entries from an earlier run count as used when the pool
// started.
//
// A zip that cannot be unpacked (a bomb, an escaping entry) fails the same
// way every time, since its name is its content: the failure is remembered
// and answered without loading or inflating the zip again.
type codeCache struct {
	mu       sync.Mutex
	pins     map[string]int       // entry -> invocations between unpack and group
	lastUsed map[string]time.Time // entry -> when its last pin went
	bad      map[string]error     // entry -> why it cannot be unpacked
	started  time.Time
}

// maxBadEntries bounds the remembered unpack failures; past it they are
// forgotten (and found again by the next invocation).
const maxBadEntries = 1024

func newCodeCache() codeCache {
	return codeCache{pins: map[string]int{}, lastUsed: map[string]time.Time{}, bad: map[string]error{}, started: time.Now()}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func validDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// cacheEntry reports whether name is a cache entry of this format.
func cacheEntry(name string) bool {
	for _, prefix := range []string{"code-", "layer-", "opt-"} {
		if d, ok := strings.CutPrefix(name, prefix); ok {
			return validDigest(d)
		}
	}
	return false
}

// oldCacheEntry reports whether name is an entry of the CRC-64-keyed cache
// of earlier versions: such entries are removed, never reused.
func oldCacheEntry(name string) bool {
	d, ok := strings.CutPrefix(name, "layer-")
	if !ok {
		if h, isOpt := strings.CutPrefix(name, "opt-"); isOpt {
			return len(h) == 24
		}
		d = name
	}
	return validChecksum(d)
}

// removeOldCacheEntries deletes what the CRC-64-keyed cache left.
func removeOldCacheEntries(cacheDir string) {
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if oldCacheEntry(e.Name()) {
			_ = os.RemoveAll(filepath.Join(cacheDir, e.Name()))
		}
	}
}

// pin keeps an entry from being swept until unpin.
func (p *Pool) pin(l *launch, name string) {
	c := &p.cache
	c.mu.Lock()
	c.pins[name]++
	c.mu.Unlock()
	l.entries = append(l.entries, name)
}

// unpin gives back the pins of a launch, once its group holds the entries
// (or the invocation gave up).
func (p *Pool) unpin(l *launch) {
	c := &p.cache
	now := time.Now()
	c.mu.Lock()
	for _, n := range l.entries[l.unpinned:] {
		if c.pins[n]--; c.pins[n] <= 0 {
			delete(c.pins, n)
		}
		c.lastUsed[n] = now
	}
	l.unpinned = len(l.entries)
	c.mu.Unlock()
}

// unpacked returns the cache directory of a zip and its entry name,
// unpacking the zip first when needed, and pins the entry for l. digest
// is the zip's SHA-256 ("": load the zip to compute it); crc, when set, is
// checked too.
func (p *Pool) unpacked(l *launch, prefix, digest, crc string, load func() ([]byte, error)) (string, string, error) {
	var zipBytes []byte
	if digest == "" {
		if load == nil {
			return "", "", errors.New("neither a SHA-256 nor a loader was given")
		}
		b, err := load()
		if err != nil {
			return "", "", fmt.Errorf("load: %w", err)
		}
		zipBytes, digest = b, sha256Hex(b)
	} else if !validDigest(digest) {
		return "", "", fmt.Errorf("SHA-256 %q is not 64 lowercase hex digits", digest)
	}
	name := prefix + digest
	p.pin(l, name)
	p.cache.mu.Lock()
	bad := p.cache.bad[name]
	p.cache.mu.Unlock()
	if bad != nil {
		return "", "", bad
	}
	dir := filepath.Join(p.cfg.CacheDir, name)
	if _, err := os.Stat(dir); err == nil {
		return dir, name, nil
	}
	_, err, _ := p.unpacks.Do(name, func() (any, error) {
		if _, err := os.Stat(dir); err == nil {
			return nil, nil
		}
		b := zipBytes
		if b == nil {
			if load == nil {
				return nil, errors.New("not cached and no loader was given")
			}
			var err error
			if b, err = load(); err != nil {
				return nil, fmt.Errorf("load: %w", err)
			}
		}
		// A loader handing other bytes must not fill the entry of a digest.
		if got := sha256Hex(b); got != digest {
			return nil, fmt.Errorf("zip SHA-256 is %s, not %s", got, digest)
		}
		if crc != "" {
			if got := fc.CodeChecksum(b); got != crc {
				return nil, fmt.Errorf("zip checksum is %s", got)
			}
		}
		if err := unpackAtomic(b, p.cfg.CacheDir, name, p.cfg.MaxUnpackedBytes); err != nil {
			p.cache.mu.Lock()
			if len(p.cache.bad) >= maxBadEntries {
				clear(p.cache.bad)
			}
			p.cache.bad[name] = err
			p.cache.mu.Unlock()
			return nil, err
		}
		return nil, nil
	})
	if err != nil {
		return "", "", err
	}
	return dir, name, nil
}

// sweepCache removes the entries no group uses, no invocation pins and
// none has used for IdleTimeout. The cache lock is held from reading the
// groups to removing, so an invocation that unpins meanwhile waits, and
// its group is then among those read, or its pin is still seen.
func (p *Pool) sweepCache(now time.Time) {
	c := &p.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	used := map[string]bool{}
	p.mu.Lock()
	for _, g := range p.groups {
		for _, n := range g.launch.entries {
			used[n] = true
		}
	}
	p.mu.Unlock()
	entries, err := os.ReadDir(p.cfg.CacheDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if !cacheEntry(n) || used[n] || c.pins[n] > 0 {
			continue
		}
		last, ok := c.lastUsed[n]
		if !ok {
			last = c.started
		}
		if now.Sub(last) < p.cfg.IdleTimeout {
			continue
		}
		if err := os.RemoveAll(filepath.Join(p.cfg.CacheDir, n)); err != nil {
			p.log.Warn("code cache entry not removed", "entry", n, "error", err.Error())
			continue
		}
		delete(c.lastUsed, n)
		p.log.Debug("code cache entry removed", "entry", n)
	}
}
