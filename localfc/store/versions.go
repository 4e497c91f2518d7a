package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// versionRec is a published version: its response body and ETag, plus
// the snapshot it froze (the service config and every function's config
// with its code checksum; the zips stay in the shared blobs bucket) and
// the hash of that snapshot's content, to refuse publishing no change.
type versionRec struct {
	Version   fc.Version    `json:"version"`
	ETag      string        `json:"etag"`
	Service   serviceRec    `json:"service"`
	Functions []functionRec `json:"functions"` // sorted by name
	Hash      string        `json:"hash"`
}

func (r versionRec) out() fc.Version {
	v := r.Version
	v.ETag = r.ETag
	return v
}

// resolved is what a qualifier names: nothing (LATEST), or a version and,
// for an alias, the alias too.
type resolved struct {
	version *versionRec
	alias   *aliasRec
}

func versionNotFound(service, id string) error {
	return fc.NewError(fc.CodeVersionNotFound, "version %s of service %s does not exist", id, service)
}

// parseVersionID accepts canonical decimal ids ("1", "42").
func parseVersionID(id string) (uint64, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != id {
		return 0, false
	}
	return n, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// loadVersion reads a version record or answers VersionNotFound.
func loadVersion(a account, service, id string) (versionRec, error) {
	var rec versionRec
	n, ok := parseVersionID(id)
	if !ok {
		return rec, versionNotFound(service, id)
	}
	found, err := loadJSON(a.versions, versionKey(service, n), &rec)
	if err != nil {
		return rec, fmt.Errorf("version %s of service %s: %w", id, service, err)
	}
	if !found {
		return rec, versionNotFound(service, id)
	}
	return rec, nil
}

func versionKey(service string, n uint64) []byte {
	return append(childPrefix(service), u64(n)...)
}

// resolveQualifier interprets a read's qualifier: "" or LATEST is the
// live state; a name starting with a digit is a version id (names cannot
// start with one); anything else is an alias, resolved to its main
// version. The service must have been checked already.
func resolveQualifier(a account, service, qualifier string) (resolved, error) {
	if qualifier == "" || qualifier == fc.QualifierLatest {
		return resolved{}, nil
	}
	if isDigit(qualifier[0]) {
		v, err := loadVersion(a, service, qualifier)
		if err != nil {
			return resolved{}, err
		}
		return resolved{version: &v}, nil
	}
	al, err := loadAlias(a, service, qualifier)
	if err != nil {
		return resolved{}, err
	}
	v, err := loadVersion(a, service, al.Alias.VersionID)
	if err != nil {
		return resolved{}, err
	}
	return resolved{version: &v, alias: &al}, nil
}

// snapshotHash is a canonical hash of what a version freezes, leaving out
// what changes without the content changing (ids, times, ETags).
func snapshotHash(svc fc.Service, fns []functionRec) (string, error) {
	svc.ServiceID, svc.CreatedTime, svc.LastModifiedTime, svc.ETag = "", "", "", ""
	normaliseService(&svc)
	content := struct {
		Service   fc.Service    `json:"service"`
		Functions []fc.Function `json:"functions"`
	}{Service: svc, Functions: []fc.Function{}}
	for _, f := range fns {
		fn := f.out()
		fn.FunctionID, fn.CreatedTime, fn.LastModifiedTime, fn.ETag = "", "", "", ""
		content.Functions = append(content.Functions, fn)
	}
	// encoding/json writes struct fields in order and map keys sorted, so
	// equal content always encodes to equal bytes.
	data, err := json.Marshal(content)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// newestVersion returns the service's highest version, nil when none.
func newestVersion(a account, service string) (*versionRec, error) {
	if a.versions == nil {
		return nil, nil
	}
	prefix := childPrefix(service)
	c := a.versions.Cursor()
	k, v := seekAtOrBefore(c, versionKey(service, ^uint64(0)))
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	var rec versionRec
	if err := decode(v, &rec); err != nil {
		return nil, fmt.Errorf("service %s: newest version: %w", service, err)
	}
	return &rec, nil
}

// seekAtOrBefore moves c to the last key <= seek.
func seekAtOrBefore(c *bolt.Cursor, seek []byte) ([]byte, []byte) {
	k, v := c.Seek(seek)
	switch {
	case k == nil:
		return c.Last()
	case !bytes.Equal(k, seek):
		return c.Prev()
	}
	return k, v
}

// PublishVersion snapshots the service and its functions as a new version
// with the next id, unless nothing changed since the newest version.
func (s *BoltStore) PublishVersion(ctx context.Context, accountID, service, description, ifMatch string) (fc.Version, error) {
	now, etag := s.timestamp(), newETag()
	var rec versionRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		svc, err := loadService(a, service)
		if err != nil {
			return err
		}
		if err := matchETag("service "+service, ifMatch, svc.ETag); err != nil {
			return err
		}
		fns := []functionRec{}
		err = eachPrefix(a.functions, childPrefix(service), func(k, v []byte) error {
			var f functionRec
			if err := decode(v, &f); err != nil {
				return fmt.Errorf("function %s: %w", k, err)
			}
			fns = append(fns, f)
			return nil
		})
		if err != nil {
			return err
		}
		hash, err := snapshotHash(svc.Service, fns)
		if err != nil {
			return fmt.Errorf("service %s: hash snapshot: %w", service, err)
		}
		newest, err := newestVersion(a, service)
		if err != nil {
			return err
		}
		if newest != nil && newest.Hash == hash {
			return fc.NewError(fc.CodeVersionPublishError, "service %s has not changed since version %s; change its configuration or code before publishing", service, newest.Version.VersionID)
		}
		// The counter outlives deleted versions, so ids are never reused.
		id := readCount(a.versionSeq.Get([]byte(service))) + 1
		if err := a.versionSeq.Put([]byte(service), u64(id)); err != nil {
			return err
		}
		for _, f := range fns {
			if err := retainBlob(tx, f.blobKey()); err != nil {
				return err
			}
		}
		rec = versionRec{
			Version: fc.Version{
				VersionID:        strconv.FormatUint(id, 10),
				Description:      description,
				CreatedTime:      now,
				LastModifiedTime: now,
			},
			ETag:      etag,
			Service:   svc,
			Functions: fns,
			Hash:      hash,
		}
		return putJSON(a.versions, versionKey(service, id), rec)
	})
	if err != nil {
		return fc.Version{}, err
	}
	return rec.out(), nil
}

// ListVersions pages through a service's versions, newest first
// (BACKWARD, the default) or oldest first (FORWARD).
func (s *BoltStore) ListVersions(ctx context.Context, accountID, service string, opt fc.ListVersionsOptions) (fc.ListVersionsOutput, error) {
	dir := opt.Direction
	if dir == "" {
		dir = fc.DirectionBackward
	}
	if dir != fc.DirectionBackward && dir != fc.DirectionForward {
		return fc.ListVersionsOutput{}, fc.NewError(fc.CodeInvalidArgument, "direction %q is invalid: use %s or %s", opt.Direction, fc.DirectionBackward, fc.DirectionForward)
	}
	forward := dir == fc.DirectionForward
	start := uint64(0) // FORWARD: from the oldest
	if !forward {
		start = ^uint64(0) // BACKWARD: from the newest
	}
	if opt.StartKey != "" {
		n, ok := parseVersionID(opt.StartKey)
		if !ok {
			return fc.ListVersionsOutput{}, fc.NewError(fc.CodeInvalidArgument, "startKey %q is not a version id", opt.StartKey)
		}
		start = n
	}
	if opt.NextToken != "" {
		tok, err := decodeToken(opt.NextToken)
		if err != nil {
			return fc.ListVersionsOutput{}, err
		}
		n, ok := parseVersionID(tok)
		if !ok {
			return fc.ListVersionsOutput{}, fc.NewError(fc.CodeInvalidArgument, "nextToken %q is invalid: pass the nextToken of the previous page unchanged", opt.NextToken)
		}
		start = n
	}
	limit := pageLimit(opt.Limit)
	out := fc.ListVersionsOutput{Versions: []fc.Version{}, Direction: dir}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Versions, out.NextToken = out.Versions[:0], ""
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		if a.versions == nil {
			return nil
		}
		prefix := childPrefix(service)
		c := a.versions.Cursor()
		startKey := versionKey(service, start)
		k, v := c.Seek(startKey)
		step := c.Next
		if !forward {
			k, v = seekAtOrBefore(c, startKey)
			step = c.Prev
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = step() {
			id := strconv.FormatUint(binary.BigEndian.Uint64(k[len(prefix):]), 10)
			if len(out.Versions) == limit {
				out.NextToken = encodeToken(id)
				return nil
			}
			var rec versionRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("version %s of service %s: %w", id, service, err)
			}
			out.Versions = append(out.Versions, rec.out())
		}
		return nil
	})
	if err != nil {
		return fc.ListVersionsOutput{}, err
	}
	return out, nil
}

// DeleteVersion removes a version no alias routes traffic to, and the
// code only it held.
func (s *BoltStore) DeleteVersion(ctx context.Context, accountID, service, versionID string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		rec, err := loadVersion(a, service, versionID)
		if err != nil {
			return err
		}
		err = eachPrefix(a.aliases, childPrefix(service), func(k, v []byte) error {
			var al aliasRec
			if err := decode(v, &al); err != nil {
				return fmt.Errorf("alias %s: %w", k, err)
			}
			_, additional := al.Alias.AdditionalVersionWeight[versionID]
			if al.Alias.VersionID == versionID || additional {
				return &fc.APIError{
					HTTPStatus: 409,
					Code:       CodeVersionInUse,
					Message:    fmt.Sprintf("version %s of service %s is used by alias %s; move or delete the alias first", versionID, service, al.Alias.AliasName),
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		n, _ := parseVersionID(versionID)
		if err := a.versions.Delete(versionKey(service, n)); err != nil {
			return err
		}
		for _, f := range rec.Functions {
			if err := releaseBlob(tx, f.blobKey()); err != nil {
				return err
			}
		}
		return dropDependents(tx, accountID, service, versionID, "")
	})
}
