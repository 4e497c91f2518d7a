package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// ProvisionStore keeps provision configs: per function as of an alias, a
// target number of ready instances. Target 0 is no config at all (the
// reference's way to release instances), so Get of one never set reads as
// target 0 and List leaves it out. Current is left to the caller, who
// knows how many instances run.
type ProvisionStore interface {
	PutProvisionConfig(ctx context.Context, account, service, alias, function string, target int64, ifMatch string) (fc.ProvisionConfig, error)
	GetProvisionConfig(ctx context.Context, account, service, alias, function string) (fc.ProvisionConfig, error)
	// ListProvisionConfigs pages through configs, of one service (and
	// alias) when given, in service, alias, function order.
	ListProvisionConfigs(ctx context.Context, account, service, alias string, opt fc.ListOptions) (fc.ListProvisionConfigsOutput, error)
	// AllProvisionConfigs lists every provision config of every account,
	// for whatever keeps the instances warm.
	AllProvisionConfigs(ctx context.Context) ([]ProvisionRef, error)
}

// ProvisionRef is one provision config with its place.
type ProvisionRef struct {
	AccountID    string
	ServiceName  string
	Alias        string
	FunctionName string
	Target       int64
}

type provisionRec struct {
	Target int64  `json:"target"`
	ETag   string `json:"etag"`
}

func splitProvisionKey(k []byte) (service, alias, function string) {
	parts := strings.SplitN(string(k), sep, 3)
	if len(parts) != 3 {
		return "", "", ""
	}
	return parts[0], parts[1], parts[2]
}

// checkProvisionTarget makes sure the alias exists and its version has the
// function: a provision config keeps instances of exactly that.
func checkProvisionTarget(a account, service, alias, function string) error {
	if _, err := loadService(a, service); err != nil {
		return err
	}
	if _, err := loadAlias(a, service, alias); err != nil {
		return err
	}
	_, _, err := functionAsOf(a, service, alias, function)
	return err
}

// PutProvisionConfig sets the target of a function as of an alias,
// guarded by ifMatch (which fails when no config exists yet).
func (s *BoltStore) PutProvisionConfig(ctx context.Context, accountID, service, alias, function string, target int64, ifMatch string) (fc.ProvisionConfig, error) {
	subject := "provision config of function " + service + "." + alias + "/" + function
	out := fc.ProvisionConfig{Resource: fc.ProvisionResource(accountID, service, alias, function), Target: target}
	etag := newETag()
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if err := checkProvisionTarget(a, service, alias, function); err != nil {
			return err
		}
		b, err := writeSub(tx, accountID, bucketProvision)
		if err != nil {
			return err
		}
		k := key(service, alias, function)
		var rec provisionRec
		if _, err := loadJSON(b, k, &rec); err != nil {
			return fmt.Errorf("%s: %w", subject, err)
		}
		if err := matchETag(subject, ifMatch, rec.ETag); err != nil {
			return err
		}
		if target == 0 {
			out.ETag = ""
			return b.Delete(k)
		}
		out.ETag = etag
		return putJSON(b, k, provisionRec{Target: target, ETag: etag})
	})
	if err != nil {
		return fc.ProvisionConfig{}, err
	}
	return out, nil
}

// GetProvisionConfig reads a provision config; none reads as target 0.
func (s *BoltStore) GetProvisionConfig(ctx context.Context, accountID, service, alias, function string) (fc.ProvisionConfig, error) {
	out := fc.ProvisionConfig{Resource: fc.ProvisionResource(accountID, service, alias, function)}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if err := checkProvisionTarget(a, service, alias, function); err != nil {
			return err
		}
		var rec provisionRec
		if _, err := loadJSON(readSub(tx, accountID, bucketProvision), key(service, alias, function), &rec); err != nil {
			return err
		}
		out.Target, out.ETag = rec.Target, rec.ETag
		return nil
	})
	return out, err
}

// ListProvisionConfigs pages through the account's provision configs.
func (s *BoltStore) ListProvisionConfigs(ctx context.Context, accountID, service, alias string, opt fc.ListOptions) (fc.ListProvisionConfigsOutput, error) {
	out := fc.ListProvisionConfigsOutput{ProvisionConfigs: []fc.ProvisionConfig{}}
	var parent []byte
	switch {
	case service != "" && alias != "":
		parent = childPrefix(service, alias)
	case service != "":
		parent = childPrefix(service)
	}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.ProvisionConfigs = out.ProvisionConfigs[:0]
		next, err := listPage(readSub(tx, accountID, bucketProvision), parent, fc.ListOptions{Limit: opt.Limit, NextToken: opt.NextToken}, func(name string, v []byte) error {
			svc, al, fn := splitProvisionKey(append(append([]byte{}, parent...), name...))
			var rec provisionRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("provision config %s.%s/%s: %w", svc, al, fn, err)
			}
			out.ProvisionConfigs = append(out.ProvisionConfigs, fc.ProvisionConfig{
				Resource: fc.ProvisionResource(accountID, svc, al, fn), Target: rec.Target, ETag: rec.ETag,
			})
			return nil
		})
		out.NextToken = next
		return err
	})
	return out, err
}

// AllProvisionConfigs walks the provision configs of every account.
func (s *BoltStore) AllProvisionConfigs(ctx context.Context) ([]ProvisionRef, error) {
	var out []ProvisionRef
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out = []ProvisionRef{}
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			id, ok := strings.CutPrefix(string(name), accountPrefix)
			if !ok {
				return nil
			}
			return eachPrefix(readSub(tx, id, bucketProvision), nil, func(k, v []byte) error {
				svc, alias, fn := splitProvisionKey(k)
				if fn == "" {
					return fmt.Errorf("account %s: malformed provision config key %q", id, k)
				}
				var rec provisionRec
				if err := decode(v, &rec); err != nil {
					return fmt.Errorf("provision config %s.%s/%s: %w", svc, alias, fn, err)
				}
				out = append(out, ProvisionRef{AccountID: id, ServiceName: svc, Alias: alias, FunctionName: fn, Target: rec.Target})
				return nil
			})
		})
	})
	return out, err
}
