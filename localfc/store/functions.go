package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// functionRec is a function as stored: its response body (with the code
// checksum, which keys the zip in the blobs bucket) plus its ETag.
type functionRec struct {
	Function fc.Function `json:"function"`
	ETag     string      `json:"etag"`
	// CodeKey keys the zip in the blobs bucket (see blobKey); records
	// written before it existed are keyed by the checksum alone.
	CodeKey string `json:"codeKey,omitempty"`
}

// blobKey is the key of the record's zip.
func (r functionRec) blobKey() string {
	if r.CodeKey != "" {
		return r.CodeKey
	}
	return r.Function.CodeChecksum
}

func (r functionRec) out() fc.Function {
	f := r.Function
	f.ETag = r.ETag
	// Copy the map: callers may change what they get back.
	f.EnvironmentVariables = maps.Clone(f.EnvironmentVariables)
	if f.EnvironmentVariables == nil {
		f.EnvironmentVariables = map[string]string{}
	}
	return f
}

// applyFunctionInput sets the non-nil fields of in on f, keeping the
// environment map non-nil for full response bodies.
func applyFunctionInput(f *fc.Function, in fc.FunctionInput) {
	f.Apply(in)
	if f.EnvironmentVariables == nil {
		f.EnvironmentVariables = map[string]string{}
	}
}

func functionNotFound(service, function string) error {
	return fc.NewError(fc.CodeFunctionNotFound, "function %s/%s does not exist", service, function)
}

// loadFunction reads the live function record or answers FunctionNotFound;
// the service must have been checked already.
func loadFunction(a account, service, function string) (functionRec, error) {
	var rec functionRec
	found, err := loadJSON(a.functions, key(service, function), &rec)
	if err != nil {
		return rec, fmt.Errorf("function %s/%s: %w", service, function, err)
	}
	if !found {
		return rec, functionNotFound(service, function)
	}
	return rec, nil
}

// checkCode makes sure a blob's checksum is the one of its bytes, since the
// checksum is the blob's key and a wrong one would hand other functions
// the wrong code.
func checkCode(subject string, code *CodeBlob) error {
	if code == nil {
		return nil
	}
	sum := fc.CodeChecksum(code.Zip)
	if code.Checksum != sum {
		return fmt.Errorf("%s: code checksum %q is not the checksum of the zip (%s)", subject, code.Checksum, sum)
	}
	return nil
}

// blobKeyOf keys a zip by its API checksum and the SHA-256 of its bytes:
// CRC-64 collisions can be forged, so two different zips with one checksum
// (another account's code, say) each get their own entry, and neither can
// fail or take the place of the other.
func blobKeyOf(code *CodeBlob) string {
	sum := sha256.Sum256(code.Zip)
	return code.Checksum + "-" + hex.EncodeToString(sum[:])
}

// addBlobRef stores the zip under its key, once, counts one more reference
// to it (the live function or a version snapshot) and returns the key.
func addBlobRef(tx *bolt.Tx, code *CodeBlob) (string, error) {
	blobs, refs := tx.Bucket([]byte(bucketBlobs)), tx.Bucket([]byte(bucketBlobRefs))
	key := blobKeyOf(code)
	k := []byte(key)
	n := readCount(refs.Get(k))
	if blobs.Get(k) == nil {
		if err := blobs.Put(k, code.Zip); err != nil {
			return "", err
		}
	}
	return key, refs.Put(k, u64(n+1))
}

// retainBlob counts one more reference to a zip that is stored already.
func retainBlob(tx *bolt.Tx, checksum string) error {
	refs := tx.Bucket([]byte(bucketBlobRefs))
	k := []byte(checksum)
	return refs.Put(k, u64(readCount(refs.Get(k))+1))
}

// releaseBlob drops one reference and deletes the zip with the last one.
func releaseBlob(tx *bolt.Tx, checksum string) error {
	refs := tx.Bucket([]byte(bucketBlobRefs))
	k := []byte(checksum)
	n := readCount(refs.Get(k))
	if n > 1 {
		return refs.Put(k, u64(n-1))
	}
	if err := refs.Delete(k); err != nil {
		return err
	}
	return tx.Bucket([]byte(bucketBlobs)).Delete(k)
}

func readCount(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return uint64(v[0])<<56 | uint64(v[1])<<48 | uint64(v[2])<<40 | uint64(v[3])<<32 |
		uint64(v[4])<<24 | uint64(v[5])<<16 | uint64(v[6])<<8 | uint64(v[7])
}

// loadBlob copies the zip stored under key out of the transaction (bbolt's
// memory is only valid until it ends).
func loadBlob(tx *bolt.Tx, subject, key, checksum string) (CodeBlob, error) {
	zip := tx.Bucket([]byte(bucketBlobs)).Get([]byte(key))
	if zip == nil {
		return CodeBlob{}, fmt.Errorf("%s: code %s is missing from the store", subject, checksum)
	}
	return CodeBlob{Zip: bytes.Clone(zip), Checksum: checksum}, nil
}

// CreateFunction stores a new function and its code, with defaults
// (memorySize 128, timeout 3, instanceConcurrency 1) filled in.
func (s *BoltStore) CreateFunction(ctx context.Context, accountID, service string, in fc.FunctionInput, code *CodeBlob) (fc.Function, error) {
	subject := "function " + service + "/" + in.FunctionName
	if code == nil {
		return fc.Function{}, fc.NewError(fc.CodeInvalidArgument, "%s: code is required", subject)
	}
	if err := checkCode(subject, code); err != nil {
		return fc.Function{}, err
	}
	now := s.timestamp()
	rec := functionRec{ETag: newETag(), Function: fc.Function{
		FunctionID:          newID(),
		FunctionName:        in.FunctionName,
		MemorySize:          fc.DefaultMemorySize,
		Timeout:             fc.DefaultTimeout,
		InstanceConcurrency: fc.MinInstanceConcurrency,
		CodeChecksum:        code.Checksum,
		CodeSize:            int64(len(code.Zip)),
		CreatedTime:         now,
		LastModifiedTime:    now,
	}}
	applyFunctionInput(&rec.Function, in)
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		k := key(service, in.FunctionName)
		if get(a.functions, k) != nil {
			return fc.NewError(fc.CodeFunctionAlreadyExists, "%s already exists", subject)
		}
		key, err := addBlobRef(tx, code)
		if err != nil {
			return err
		}
		rec.CodeKey = key
		return putJSON(a.functions, k, rec)
	})
	if err != nil {
		return fc.Function{}, err
	}
	return rec.out(), nil
}

// GetFunction reads a function as of qualifier.
func (s *BoltStore) GetFunction(ctx context.Context, accountID, service, qualifier, function string) (fc.Function, error) {
	var out fc.Function
	err := s.read(ctx, func(tx *bolt.Tx) error {
		rec, _, err := functionAsOf(readAccount(tx, accountID), service, qualifier, function)
		if err != nil {
			return err
		}
		out = rec.out()
		return nil
	})
	return out, err
}

// functionAsOf finds a function live or in the snapshot qualifier names,
// checking each level in turn so the error names the missing one.
func functionAsOf(a account, service, qualifier, function string) (functionRec, resolved, error) {
	if _, err := loadService(a, service); err != nil {
		return functionRec{}, resolved{}, err
	}
	q, err := resolveQualifier(a, service, qualifier)
	if err != nil {
		return functionRec{}, q, err
	}
	if q.version == nil {
		rec, err := loadFunction(a, service, function)
		return rec, q, err
	}
	for _, f := range q.version.Functions {
		if f.Function.FunctionName == function {
			return f, q, nil
		}
	}
	return functionRec{}, q, fc.NewError(fc.CodeFunctionNotFound, "function %s/%s does not exist in version %s", service, function, q.version.Version.VersionID)
}

// UpdateFunction changes the non-nil fields of in and, when code is not
// nil, the code; guarded by ifMatch.
func (s *BoltStore) UpdateFunction(ctx context.Context, accountID, service, function string, in fc.FunctionInput, code *CodeBlob, ifMatch string) (fc.Function, error) {
	subject := "function " + service + "/" + function
	if err := checkCode(subject, code); err != nil {
		return fc.Function{}, err
	}
	now, etag := s.timestamp(), newETag()
	var rec functionRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		var err error
		if rec, err = loadFunction(a, service, function); err != nil {
			return err
		}
		if err := matchETag(subject, ifMatch, rec.ETag); err != nil {
			return err
		}
		applyFunctionInput(&rec.Function, in)
		if code != nil && blobKeyOf(code) != rec.blobKey() {
			key, err := addBlobRef(tx, code)
			if err != nil {
				return err
			}
			if err := releaseBlob(tx, rec.blobKey()); err != nil {
				return err
			}
			rec.CodeKey = key
			rec.Function.CodeChecksum = code.Checksum
			rec.Function.CodeSize = int64(len(code.Zip))
		}
		rec.Function.LastModifiedTime = now
		rec.ETag = etag
		return putJSON(a.functions, key(service, function), rec)
	})
	if err != nil {
		return fc.Function{}, err
	}
	return rec.out(), nil
}

// DeleteFunction removes a function with no triggers, and its code unless
// a version still holds it.
func (s *BoltStore) DeleteFunction(ctx context.Context, accountID, service, function, ifMatch string) error {
	subject := "function " + service + "/" + function
	return s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		rec, err := loadFunction(a, service, function)
		if err != nil {
			return err
		}
		if err := matchETag(subject, ifMatch, rec.ETag); err != nil {
			return err
		}
		if hasPrefix(a.triggers, childPrefix(service, function)) {
			return fc.NewError(fc.CodeFunctionNotEmpty, "%s still has triggers; delete them first", subject)
		}
		if err := a.functions.Delete(key(service, function)); err != nil {
			return err
		}
		if err := deleteAsyncConfigsOf(tx, accountID, service, function); err != nil {
			return err
		}
		if err := dropDependents(tx, accountID, service, fc.QualifierLatest, function); err != nil {
			return err
		}
		return releaseBlob(tx, rec.blobKey())
	})
}

// ListFunctions pages through a service's functions, live or as of a
// version or alias, in name order.
func (s *BoltStore) ListFunctions(ctx context.Context, accountID, service, qualifier string, opt fc.ListOptions) (fc.ListFunctionsOutput, error) {
	out := fc.ListFunctionsOutput{Functions: []fc.Function{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Functions = out.Functions[:0]
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		q, err := resolveQualifier(a, service, qualifier)
		if err != nil {
			return err
		}
		if q.version != nil {
			// Snapshot functions are kept sorted by name.
			c := &sliceCursor{}
			byName := map[string]functionRec{}
			for _, f := range q.version.Functions {
				c.keys = append(c.keys, []byte(f.Function.FunctionName))
				byName[f.Function.FunctionName] = f
			}
			out.NextToken, err = listCursor(c, nil, opt, func(name string, _ []byte) error {
				out.Functions = append(out.Functions, byName[name].out())
				return nil
			})
			return err
		}
		out.NextToken, err = listPage(a.functions, childPrefix(service), opt, func(name string, v []byte) error {
			var rec functionRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("function %s/%s: %w", service, name, err)
			}
			out.Functions = append(out.Functions, rec.out())
			return nil
		})
		return err
	})
	return out, err
}

// GetFunctionCode returns the zip of the function as of qualifier.
func (s *BoltStore) GetFunctionCode(ctx context.Context, accountID, service, qualifier, function string) (CodeBlob, error) {
	var out CodeBlob
	err := s.read(ctx, func(tx *bolt.Tx) error {
		rec, _, err := functionAsOf(readAccount(tx, accountID), service, qualifier, function)
		if err != nil {
			return err
		}
		out, err = loadBlob(tx, "function "+service+"/"+function, rec.blobKey(), rec.Function.CodeChecksum)
		return err
	})
	return out, err
}
