package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// AsyncConfigStore keeps function async invoke configs, one per (service,
// qualifier, function); qualifier "" and LATEST are the same config.
type AsyncConfigStore interface {
	// PutAsyncConfig creates or replaces a config. The function must exist
	// as of qualifier (ServiceNotFound, FunctionNotFound, AliasNotFound,
	// VersionNotFound otherwise).
	PutAsyncConfig(ctx context.Context, account, service, qualifier, function string, in fc.AsyncConfigInput) (fc.AsyncConfig, error)
	// GetAsyncConfig answers AsyncConfigNotExists when the function has no
	// config for qualifier.
	GetAsyncConfig(ctx context.Context, account, service, qualifier, function string) (fc.AsyncConfig, error)
	DeleteAsyncConfig(ctx context.Context, account, service, qualifier, function string) error
	// ListAsyncConfigs pages through a function's configs by qualifier.
	ListAsyncConfigs(ctx context.Context, account, service, function string, opt fc.ListOptions) (fc.ListAsyncConfigsOutput, error)
}

// bucketAsyncConfigs is inside an account bucket:
// service sep function sep qualifier -> asyncConfigRec.
const bucketAsyncConfigs = "async-configs"

type asyncConfigRec struct {
	Config fc.AsyncConfig `json:"config"`
}

func (r asyncConfigRec) out() fc.AsyncConfig { return r.Config }

func asyncConfigBucket(tx *bolt.Tx, accountID string, create bool) (*bolt.Bucket, error) {
	if !create {
		root := tx.Bucket(accountBucketName(accountID))
		if root == nil {
			return nil, nil
		}
		return root.Bucket([]byte(bucketAsyncConfigs)), nil
	}
	root, err := tx.CreateBucketIfNotExists(accountBucketName(accountID))
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", accountID, err)
	}
	return root.CreateBucketIfNotExists([]byte(bucketAsyncConfigs))
}

// canonicalQualifier is how a config's qualifier is stored and answered.
func canonicalQualifier(q string) string {
	if q == "" {
		return fc.QualifierLatest
	}
	return q
}

func asyncConfigSubject(service, qualifier, function string) string {
	return "async invoke config of function " + service + "." + qualifier + "/" + function
}

// PutAsyncConfig stores in as the whole config, keeping createdTime when
// it replaces one.
func (s *BoltStore) PutAsyncConfig(ctx context.Context, accountID, service, qualifier, function string, in fc.AsyncConfigInput) (fc.AsyncConfig, error) {
	q := canonicalQualifier(qualifier)
	now := s.timestamp()
	var rec asyncConfigRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		if _, _, err := functionAsOf(a, service, qualifier, function); err != nil {
			return err
		}
		b, err := asyncConfigBucket(tx, accountID, true)
		if err != nil {
			return err
		}
		k := key(service, function, q)
		var old asyncConfigRec
		found, err := loadJSON(b, k, &old)
		if err != nil {
			return fmt.Errorf("%s: %w", asyncConfigSubject(service, q, function), err)
		}
		rec = asyncConfigRec{Config: fc.AsyncConfig{
			Service: service, Function: function, Qualifier: q,
			MaxAsyncEventAgeInSeconds: in.MaxAsyncEventAgeInSeconds,
			MaxAsyncRetryAttempts:     in.MaxAsyncRetryAttempts,
			CreatedTime:               now, LastModifiedTime: now,
		}}
		if found {
			rec.Config.CreatedTime = old.Config.CreatedTime
		}
		if in.DestinationConfig != nil {
			rec.Config.DestinationConfig = *in.DestinationConfig
		}
		if in.StatefulInvocation != nil {
			rec.Config.StatefulInvocation = *in.StatefulInvocation
		}
		return putJSON(b, k, rec)
	})
	if err != nil {
		return fc.AsyncConfig{}, err
	}
	return rec.out(), nil
}

// loadAsyncConfig reads a config after checking that its service and
// function exist, so that a typo names the missing level.
func loadAsyncConfig(tx *bolt.Tx, accountID, service, q, function string) (asyncConfigRec, *bolt.Bucket, error) {
	var rec asyncConfigRec
	a := readAccount(tx, accountID)
	if err := parents(a, service, function); err != nil {
		return rec, nil, err
	}
	b, err := asyncConfigBucket(tx, accountID, false)
	if err != nil {
		return rec, nil, err
	}
	found, err := loadJSON(b, key(service, function, q), &rec)
	if err != nil {
		return rec, b, fmt.Errorf("%s: %w", asyncConfigSubject(service, q, function), err)
	}
	if !found {
		return rec, b, fc.NewError(fc.CodeAsyncConfigNotExists, "function %s/%s has no async invoke config for qualifier %s", service, function, q)
	}
	return rec, b, nil
}

// GetAsyncConfig reads one config.
func (s *BoltStore) GetAsyncConfig(ctx context.Context, accountID, service, qualifier, function string) (fc.AsyncConfig, error) {
	var out fc.AsyncConfig
	err := s.read(ctx, func(tx *bolt.Tx) error {
		rec, _, err := loadAsyncConfig(tx, accountID, service, canonicalQualifier(qualifier), function)
		out = rec.out()
		return err
	})
	return out, err
}

// DeleteAsyncConfig removes one config. The qualifier need not resolve any
// more: a config left by a deleted alias can still be removed.
func (s *BoltStore) DeleteAsyncConfig(ctx context.Context, accountID, service, qualifier, function string) error {
	q := canonicalQualifier(qualifier)
	return s.write(ctx, func(tx *bolt.Tx) error {
		_, b, err := loadAsyncConfig(tx, accountID, service, q, function)
		if err != nil {
			return err
		}
		return b.Delete(key(service, function, q))
	})
}

// ListAsyncConfigs pages through a function's configs in qualifier order.
func (s *BoltStore) ListAsyncConfigs(ctx context.Context, accountID, service, function string, opt fc.ListOptions) (fc.ListAsyncConfigsOutput, error) {
	out := fc.ListAsyncConfigsOutput{Configs: []fc.AsyncConfig{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Configs = out.Configs[:0]
		if err := parents(readAccount(tx, accountID), service, function); err != nil {
			return err
		}
		b, err := asyncConfigBucket(tx, accountID, false)
		if err != nil {
			return err
		}
		next, err := listPage(b, childPrefix(service, function), opt, func(q string, v []byte) error {
			var rec asyncConfigRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("%s: %w", asyncConfigSubject(service, q, function), err)
			}
			out.Configs = append(out.Configs, rec.out())
			return nil
		})
		out.NextToken = next
		return err
	})
	return out, err
}

// deleteAsyncConfigsOf removes every config of a function, inside the
// transaction that deletes it: a function created again under the same
// name starts without the old one's retries and destinations.
func deleteAsyncConfigsOf(tx *bolt.Tx, accountID, service, function string) error {
	b, err := asyncConfigBucket(tx, accountID, false)
	if err != nil || b == nil {
		return err
	}
	var keys [][]byte
	if err := eachPrefix(b, childPrefix(service, function), func(k, _ []byte) error {
		keys = append(keys, append([]byte{}, k...))
		return nil
	}); err != nil {
		return err
	}
	return deleteKeys(b, keys)
}
