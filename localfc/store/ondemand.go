package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// OnDemandStore keeps on-demand configs: per function as of a qualifier
// (LATEST, a version or an alias), the most instances it may run on demand.
// They are keyed by their resource string, which List pages through.
type OnDemandStore interface {
	PutOnDemandConfig(ctx context.Context, account, service, qualifier, function string, maxInstances int64, ifMatch string) (fc.OnDemandConfig, error)
	GetOnDemandConfig(ctx context.Context, account, service, qualifier, function string) (fc.OnDemandConfig, error)
	DeleteOnDemandConfig(ctx context.Context, account, service, qualifier, function, ifMatch string) error
	ListOnDemandConfigs(ctx context.Context, account string, opt fc.ListOptions) (fc.ListOnDemandConfigsOutput, error)
}

type onDemandRec struct {
	MaximumInstanceCount int64  `json:"maximumInstanceCount"`
	ETag                 string `json:"etag"`
}

// splitOnDemandResource reads services/{s}.{q}/functions/{f}.
func splitOnDemandResource(r string) (service, qualifier, function string, ok bool) {
	rest, found := strings.CutPrefix(r, "services/")
	if !found {
		return "", "", "", false
	}
	sq, function, found := strings.Cut(rest, "/functions/")
	if !found {
		return "", "", "", false
	}
	service, qualifier, found = strings.Cut(sq, ".")
	return service, qualifier, function, found
}

// checkOnDemandTarget makes sure the function exists as of the qualifier.
func checkOnDemandTarget(a account, service, qualifier, function string) error {
	if _, err := loadService(a, service); err != nil {
		return err
	}
	_, _, err := functionAsOf(a, service, qualifier, function)
	return err
}

func onDemandNotFound(service, qualifier, function string) error {
	return fc.NewError(fc.CodeOnDemandConfigNotFound, "function %s.%s/%s has no on-demand config", service, qualifier, function)
}

// PutOnDemandConfig creates or replaces an on-demand config, guarded by
// ifMatch (which fails when none exists yet).
func (s *BoltStore) PutOnDemandConfig(ctx context.Context, accountID, service, qualifier, function string, maxInstances int64, ifMatch string) (fc.OnDemandConfig, error) {
	res := fc.OnDemandResource(service, qualifier, function)
	out := fc.OnDemandConfig{Resource: res, MaximumInstanceCount: maxInstances, ETag: newETag()}
	err := s.write(ctx, func(tx *bolt.Tx) error {
		if err := checkOnDemandTarget(readAccount(tx, accountID), service, qualifier, function); err != nil {
			return err
		}
		b, err := writeSub(tx, accountID, bucketOnDemand)
		if err != nil {
			return err
		}
		var rec onDemandRec
		if _, err := loadJSON(b, []byte(res), &rec); err != nil {
			return fmt.Errorf("on-demand config %s: %w", res, err)
		}
		if err := matchETag("on-demand config "+res, ifMatch, rec.ETag); err != nil {
			return err
		}
		return putJSON(b, []byte(res), onDemandRec{MaximumInstanceCount: maxInstances, ETag: out.ETag})
	})
	if err != nil {
		return fc.OnDemandConfig{}, err
	}
	return out, nil
}

// GetOnDemandConfig reads an on-demand config.
func (s *BoltStore) GetOnDemandConfig(ctx context.Context, accountID, service, qualifier, function string) (fc.OnDemandConfig, error) {
	res := fc.OnDemandResource(service, qualifier, function)
	var out fc.OnDemandConfig
	err := s.read(ctx, func(tx *bolt.Tx) error {
		if err := checkOnDemandTarget(readAccount(tx, accountID), service, qualifier, function); err != nil {
			return err
		}
		var rec onDemandRec
		found, err := loadJSON(readSub(tx, accountID, bucketOnDemand), []byte(res), &rec)
		if err != nil {
			return err
		}
		if !found {
			return onDemandNotFound(service, qualifier, function)
		}
		out = fc.OnDemandConfig{Resource: res, MaximumInstanceCount: rec.MaximumInstanceCount, ETag: rec.ETag}
		return nil
	})
	return out, err
}

// DeleteOnDemandConfig removes an on-demand config, guarded by ifMatch.
func (s *BoltStore) DeleteOnDemandConfig(ctx context.Context, accountID, service, qualifier, function, ifMatch string) error {
	res := fc.OnDemandResource(service, qualifier, function)
	return s.write(ctx, func(tx *bolt.Tx) error {
		if _, err := loadService(readAccount(tx, accountID), service); err != nil {
			return err
		}
		b := readSub(tx, accountID, bucketOnDemand)
		var rec onDemandRec
		found, err := loadJSON(b, []byte(res), &rec)
		if err != nil {
			return err
		}
		if !found {
			return onDemandNotFound(service, qualifier, function)
		}
		if err := matchETag("on-demand config "+res, ifMatch, rec.ETag); err != nil {
			return err
		}
		return b.Delete([]byte(res))
	})
}

// ListOnDemandConfigs pages through on-demand configs by resource string.
func (s *BoltStore) ListOnDemandConfigs(ctx context.Context, accountID string, opt fc.ListOptions) (fc.ListOnDemandConfigsOutput, error) {
	out := fc.ListOnDemandConfigsOutput{Configs: []fc.OnDemandConfig{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Configs = out.Configs[:0]
		next, err := listPage(readSub(tx, accountID, bucketOnDemand), nil, opt, func(res string, v []byte) error {
			var rec onDemandRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("on-demand config %s: %w", res, err)
			}
			out.Configs = append(out.Configs, fc.OnDemandConfig{Resource: res, MaximumInstanceCount: rec.MaximumInstanceCount, ETag: rec.ETag})
			return nil
		})
		out.NextToken = next
		return err
	})
	return out, err
}
