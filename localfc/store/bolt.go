package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/fcdeploy/fcdeploy/fc"
)

// ErrLocked is returned (wrapped) by Open when another process holds the
// data file.
var ErrLocked = errors.New("data file is locked by another process")

// ErrNotQueued is returned (wrapped) by DoneAsync and RetryAsync for an id
// that is not in the async queue.
var ErrNotQueued = errors.New("async invocation is not queued")

// CodeVersionInUse is the error code of DeleteVersion when an alias still
// routes traffic to the version. It is ours: Function Compute documents
// none for this case, so the HTTP layer maps it by its HTTPStatus (409).
const CodeVersionInUse = "VersionInUse"

// lockTimeout bounds how long Open waits for the file lock: long enough
// to ride out a process that is just exiting, short enough that a second
// `fcdeploy serve` fails at once with a clear message.
const lockTimeout = 200 * time.Millisecond

// batchDelay is how long a write waits for others to share its fsync.
// bbolt's default (10ms) caps a writer that waits on each write at ~100
// writes/s; 1ms still groups 32 concurrent writers into few commits.
const batchDelay = 1 * time.Millisecond

// Top-level buckets. Accounts get one bucket each, named accountPrefix +
// account id, so that AllTriggers can walk them; the rest are global.
const (
	accountPrefix     = "account:"
	bucketBlobs       = "blobs"          // code checksum -> zip bytes
	bucketBlobRefs    = "blob-refs"      // code checksum -> uint64 reference count
	bucketAsyncReady  = "async-ready"    // 8-byte sequence -> asyncRec, unclaimed
	bucketAsyncFlight = "async-inflight" // invocation id -> asyncRec, claimed
)

// Buckets inside an account bucket. Keys are composite, parent names
// joined by sep (names never contain it), so that all children of a parent
// are one contiguous, sorted key range a cursor can page through.
const (
	bucketServices   = "services"    // service -> serviceRec
	bucketFunctions  = "functions"   // service sep function -> functionRec
	bucketTriggers   = "triggers"    // service sep function sep trigger -> triggerRec
	bucketVersions   = "versions"    // service sep 8-byte id -> versionRec
	bucketAliases    = "aliases"     // service sep alias -> aliasRec
	bucketVersionSeq = "version-seq" // service -> uint64 last version id
)

const sep = "\x00"

var accountBuckets = []string{bucketServices, bucketFunctions, bucketTriggers, bucketVersions, bucketAliases, bucketVersionSeq}

// BoltStore is the Store kept in one bbolt file. It is safe for concurrent
// use; writes from concurrent callers share commits (db.Batch), and every
// method returns only after its write is fsynced.
type BoltStore struct {
	db      *bolt.DB
	path    string
	now     func() time.Time
	writers atomic.Int64 // writes in progress, to skip the batch delay when alone
}

var _ Store = (*BoltStore)(nil)

// Open opens (creating if needed) the bbolt file at path with mode 0600.
// When another process holds the file it fails within a fraction of a
// second with an error wrapping ErrLocked. Async invocations claimed by a
// previous process and never finished become unclaimed again.
func Open(path string) (*BoltStore, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("store %s: another fcdeploy process (probably `fcdeploy serve`) is using the data file at %s; stop it or use another data directory: %w", path, path, ErrLocked)
		}
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	db.MaxBatchDelay = batchDelay
	s := &BoltStore{db: db, path: path, now: time.Now}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{bucketBlobs, bucketBlobRefs, bucketAsyncReady, bucketAsyncFlight, bucketAsyncIDs} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return requeueInFlight(tx)
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: initialise: %w", path, err)
	}
	return s, nil
}

// Path is the file the store was opened from.
func (s *BoltStore) Path() string { return s.path }

// Close releases the file. Calls after Close fail.
func (s *BoltStore) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store %s: close: %w", s.path, err)
	}
	return nil
}

// write runs fn in a group-committed write transaction. bbolt may run fn
// more than once (on a fresh transaction each time), so fn must reset any
// state it captures before filling it. An *fc.APIError from fn rolls the
// transaction back and is returned as is.
//
// A write with no other write in progress commits at once: waiting
// batchDelay for company that is not coming would triple the latency of
// sequential callers (BenchmarkSequentialUpdateFunction).
func (s *BoltStore) write(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer s.writers.Add(-1)
	if s.writers.Add(1) == 1 {
		return s.db.Update(fn)
	}
	return s.db.Batch(fn)
}

// read runs fn in a read-only transaction.
func (s *BoltStore) read(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

// account holds the buckets of one account inside one transaction. In a
// read transaction of an account never written to, all are nil, and the
// nil-safe helpers below treat them as empty.
type account struct {
	id                                                           string
	services, functions, triggers, versions, aliases, versionSeq *bolt.Bucket
}

func accountBucketName(id string) []byte { return []byte(accountPrefix + id) }

// readAccount returns the account's buckets, all nil if it has none.
func readAccount(tx *bolt.Tx, id string) account {
	a := account{id: id}
	root := tx.Bucket(accountBucketName(id))
	if root == nil {
		return a
	}
	a.services = root.Bucket([]byte(bucketServices))
	a.functions = root.Bucket([]byte(bucketFunctions))
	a.triggers = root.Bucket([]byte(bucketTriggers))
	a.versions = root.Bucket([]byte(bucketVersions))
	a.aliases = root.Bucket([]byte(bucketAliases))
	a.versionSeq = root.Bucket([]byte(bucketVersionSeq))
	return a
}

// writeAccount returns the account's buckets, creating them if needed.
func writeAccount(tx *bolt.Tx, id string) (account, error) {
	root, err := tx.CreateBucketIfNotExists(accountBucketName(id))
	if err != nil {
		return account{}, fmt.Errorf("account %s: %w", id, err)
	}
	for _, name := range accountBuckets {
		if _, err := root.CreateBucketIfNotExists([]byte(name)); err != nil {
			return account{}, fmt.Errorf("account %s: %w", id, err)
		}
	}
	return readAccount(tx, id), nil
}

func get(b *bolt.Bucket, key []byte) []byte {
	if b == nil {
		return nil
	}
	return b.Get(key)
}

func key(parts ...string) []byte { return []byte(strings.Join(parts, sep)) }

// childPrefix is the key prefix of every child of a parent path.
func childPrefix(parts ...string) []byte { return []byte(strings.Join(parts, sep) + sep) }

// loadJSON decodes the record at key into v; found is false when absent.
func loadJSON(b *bolt.Bucket, k []byte, v any) (found bool, err error) {
	data := get(b, k)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", k, err)
	}
	return true, nil
}

// putJSON encodes v at key. HTML escaping is off so that trigger configs
// stay byte for byte what the caller gave (bar insignificant whitespace).
func putJSON(b *bolt.Bucket, k []byte, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %q: %w", k, err)
	}
	return b.Put(k, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// newETag is a fresh opaque ETag: 32 hex characters, unquoted. The HTTP
// layer sends it verbatim; matchETag accepts it quoted too.
func newETag() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newID is a random UUID (version 4), for serviceId and functionId.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (s *BoltStore) timestamp() string { return s.now().UTC().Format(fc.TimeFormat) }

// matchETag checks an If-Match value against the current ETag. Quotes and
// a weak prefix are ignored, since HTTP clients differ in what they echo.
func matchETag(subject, ifMatch, current string) error {
	if ifMatch == "" {
		return nil
	}
	m := strings.TrimPrefix(strings.TrimSpace(ifMatch), "W/")
	m = strings.Trim(m, `"`)
	if m == "*" || m == current {
		return nil
	}
	return fc.NewError(fc.CodePreconditionFailed, "%s: If-Match %s does not match the current ETag %s; read it again and retry", subject, ifMatch, current)
}
