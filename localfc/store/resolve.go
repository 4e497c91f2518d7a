package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ResolveFunction returns the service, function and code as of qualifier,
// for invocation. For an alias that splits traffic it also names the
// additional version and its weight; picking between them is the caller's.
func (s *BoltStore) ResolveFunction(ctx context.Context, accountID, service, qualifier, function string) (ResolvedFunction, CodeBlob, error) {
	var out ResolvedFunction
	var code CodeBlob
	err := s.read(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		svc, err := loadService(a, service)
		if err != nil {
			return err
		}
		rec, q, err := functionAsOf(a, service, qualifier, function)
		if err != nil {
			return err
		}
		out = ResolvedFunction{Service: svc.out(), Function: rec.out()}
		if q.version != nil {
			out.Service = q.version.Service.out()
			out.VersionID = q.version.Version.VersionID
		}
		if q.alias != nil {
			for id, w := range q.alias.Alias.AdditionalVersionWeight {
				out.AdditionalVersionID, out.AdditionalWeight = id, w
			}
		}
		code, err = loadBlob(tx, "function "+service+"/"+function, rec.blobKey(), rec.Function.CodeChecksum)
		return err
	})
	if err != nil {
		return ResolvedFunction{}, CodeBlob{}, err
	}
	return out, code, nil
}

// AllTriggers lists every trigger of every account, ordered by account,
// service, function and trigger name.
func (s *BoltStore) AllTriggers(ctx context.Context) ([]TriggerRef, error) {
	var out []TriggerRef
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out = []TriggerRef{}
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			id, ok := strings.CutPrefix(string(name), accountPrefix)
			if !ok {
				return nil
			}
			return eachPrefix(readAccount(tx, id).triggers, nil, func(k, v []byte) error {
				parts := strings.Split(string(k), sep)
				if len(parts) != 3 {
					return fmt.Errorf("account %s: malformed trigger key %q", id, k)
				}
				var rec triggerRec
				if err := decode(v, &rec); err != nil {
					return fmt.Errorf("trigger %s/%s/%s: %w", parts[0], parts[1], parts[2], err)
				}
				out = append(out, TriggerRef{AccountID: id, ServiceName: parts[0], FunctionName: parts[1], Trigger: rec.out()})
				return nil
			})
		})
	})
	return out, err
}
