package store

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// TagStore keeps the tags of services. Deleting a service drops its tags.
type TagStore interface {
	// TagService adds tags (a key already there takes the new value),
	// refusing to go beyond fc.MaxTagsPerService.
	TagService(ctx context.Context, account, service string, tags map[string]string) error
	// UntagService removes the keys named (absent ones are ignored), or
	// every tag with all.
	UntagService(ctx context.Context, account, service string, keys []string, all bool) error
	GetServiceTags(ctx context.Context, account, service string) (map[string]string, error)
	// ListServicesByTags pages through the services that carry every one of
	// tags (same key, same value), in name order, like ListServices.
	ListServicesByTags(ctx context.Context, account string, opt fc.ListOptions, tags map[string]string) (fc.ListServicesOutput, error)
}

type tagsRec struct {
	Tags map[string]string `json:"tags"`
}

func loadTags(b *bolt.Bucket, service string) (map[string]string, error) {
	var rec tagsRec
	if _, err := loadJSON(b, []byte(service), &rec); err != nil {
		return nil, fmt.Errorf("tags of service %s: %w", service, err)
	}
	if rec.Tags == nil {
		rec.Tags = map[string]string{}
	}
	return rec.Tags, nil
}

// TagService adds tags to a service.
func (s *BoltStore) TagService(ctx context.Context, accountID, service string, tags map[string]string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		if _, err := loadService(readAccount(tx, accountID), service); err != nil {
			return err
		}
		b, err := writeSub(tx, accountID, bucketTags)
		if err != nil {
			return err
		}
		cur, err := loadTags(b, service)
		if err != nil {
			return err
		}
		maps.Copy(cur, tags)
		if len(cur) > fc.MaxTagsPerService {
			return fc.NewError(fc.CodeInvalidArgument, "service %s would have %d tags, at most %d are allowed; untag some first", service, len(cur), fc.MaxTagsPerService)
		}
		return putJSON(b, []byte(service), tagsRec{Tags: cur})
	})
}

// UntagService removes tags from a service.
func (s *BoltStore) UntagService(ctx context.Context, accountID, service string, keys []string, all bool) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		if _, err := loadService(readAccount(tx, accountID), service); err != nil {
			return err
		}
		b := readSub(tx, accountID, bucketTags)
		if b == nil {
			return nil
		}
		if all {
			return b.Delete([]byte(service))
		}
		cur, err := loadTags(b, service)
		if err != nil {
			return err
		}
		maps.DeleteFunc(cur, func(k, _ string) bool { return slices.Contains(keys, k) })
		if len(cur) == 0 {
			return b.Delete([]byte(service))
		}
		return putJSON(b, []byte(service), tagsRec{Tags: cur})
	})
}

// GetServiceTags reads the tags of a service (empty, never nil).
func (s *BoltStore) GetServiceTags(ctx context.Context, accountID, service string) (map[string]string, error) {
	var out map[string]string
	err := s.read(ctx, func(tx *bolt.Tx) error {
		if _, err := loadService(readAccount(tx, accountID), service); err != nil {
			return err
		}
		var err error
		out, err = loadTags(readSub(tx, accountID, bucketTags), service)
		return err
	})
	return out, err
}

// ListServicesByTags pages through the services carrying all of tags. The
// page holds up to opt.Limit matching services; nextToken names the next
// matching one, so pages never come back short while more match.
func (s *BoltStore) ListServicesByTags(ctx context.Context, accountID string, opt fc.ListOptions, tags map[string]string) (fc.ListServicesOutput, error) {
	out := fc.ListServicesOutput{Services: []fc.Service{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Services, out.NextToken = out.Services[:0], ""
		a := readAccount(tx, accountID)
		tb := readSub(tx, accountID, bucketTags)
		if a.services == nil || tb == nil {
			return nil
		}
		start := max(opt.Prefix, opt.StartKey)
		if opt.NextToken != "" {
			tok, err := decodeToken(opt.NextToken)
			if err != nil {
				return err
			}
			start = max(start, tok)
		}
		limit := pageLimit(opt.Limit)
		c := a.services.Cursor()
		for k, v := c.Seek([]byte(start)); k != nil && bytes.HasPrefix(k, []byte(opt.Prefix)); k, v = c.Next() {
			have, err := loadTags(tb, string(k))
			if err != nil {
				return err
			}
			if !hasAllTags(have, tags) {
				continue
			}
			if len(out.Services) == limit {
				out.NextToken = encodeToken(string(k))
				return nil
			}
			var rec serviceRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("service %s: %w", k, err)
			}
			out.Services = append(out.Services, rec.out())
		}
		return nil
	})
	return out, err
}

func hasAllTags(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}
