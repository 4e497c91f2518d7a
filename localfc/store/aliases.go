package store

import (
	"context"
	"fmt"
	"maps"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// aliasRec is an alias as stored: its response body plus its ETag.
type aliasRec struct {
	Alias fc.Alias `json:"alias"`
	ETag  string   `json:"etag"`
}

func (r aliasRec) out() fc.Alias {
	al := r.Alias
	al.ETag = r.ETag
	al.AdditionalVersionWeight = maps.Clone(al.AdditionalVersionWeight)
	if al.AdditionalVersionWeight == nil {
		al.AdditionalVersionWeight = map[string]float64{}
	}
	return al
}

func loadAlias(a account, service, alias string) (aliasRec, error) {
	var rec aliasRec
	found, err := loadJSON(a.aliases, key(service, alias), &rec)
	if err != nil {
		return rec, fmt.Errorf("alias %s/%s: %w", service, alias, err)
	}
	if !found {
		return rec, fc.NewError(fc.CodeAliasNotFound, "alias %s of service %s does not exist", alias, service)
	}
	return rec, nil
}

// checkAliasTargets checks that an alias's main version exists and that
// its traffic split names at most one other existing version with a
// weight in [0, 1].
func checkAliasTargets(a account, service string, al fc.Alias) error {
	subject := "alias " + al.AliasName + " of service " + service
	if al.VersionID == "" {
		return fc.NewError(fc.CodeInvalidArgument, "%s: versionId is required", subject)
	}
	if _, err := loadVersion(a, service, al.VersionID); err != nil {
		return err
	}
	if len(al.AdditionalVersionWeight) > 1 {
		return fc.NewError(fc.CodeInvalidArgument, "%s: additionalVersionWeight names %d versions, at most one is allowed", subject, len(al.AdditionalVersionWeight))
	}
	for id, w := range al.AdditionalVersionWeight {
		if id == al.VersionID {
			return fc.NewError(fc.CodeInvalidArgument, "%s: additionalVersionWeight names version %s, which is already the main version", subject, id)
		}
		if _, err := loadVersion(a, service, id); err != nil {
			return fc.NewError(fc.CodeInvalidArgument, "%s: additionalVersionWeight names version %s, which does not exist", subject, id)
		}
		if !(w >= 0 && w <= fc.MaxAdditionalVersionWeight) {
			return fc.NewError(fc.CodeInvalidArgument, "%s: weight %v of version %s is outside [0, 1]", subject, w, id)
		}
	}
	return nil
}

// CreateAlias points a new alias at an existing version.
func (s *BoltStore) CreateAlias(ctx context.Context, accountID, service string, in fc.AliasInput) (fc.Alias, error) {
	now := s.timestamp()
	rec := aliasRec{ETag: newETag(), Alias: fc.Alias{
		AliasName:               in.AliasName,
		AdditionalVersionWeight: maps.Clone(in.AdditionalVersionWeight),
		CreatedTime:             now,
		LastModifiedTime:        now,
	}}
	if in.VersionID != nil {
		rec.Alias.VersionID = *in.VersionID
	}
	if in.Description != nil {
		rec.Alias.Description = *in.Description
	}
	if rec.Alias.AdditionalVersionWeight == nil {
		rec.Alias.AdditionalVersionWeight = map[string]float64{}
	}
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		k := key(service, in.AliasName)
		if get(a.aliases, k) != nil {
			return fc.NewError(fc.CodeAliasAlreadyExists, "alias %s of service %s already exists", in.AliasName, service)
		}
		if err := checkAliasTargets(a, service, rec.Alias); err != nil {
			return err
		}
		return putJSON(a.aliases, k, rec)
	})
	if err != nil {
		return fc.Alias{}, err
	}
	return rec.out(), nil
}

// GetAlias reads an alias.
func (s *BoltStore) GetAlias(ctx context.Context, accountID, service, alias string) (fc.Alias, error) {
	var out fc.Alias
	err := s.read(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		rec, err := loadAlias(a, service, alias)
		out = rec.out()
		return err
	})
	return out, err
}

// UpdateAlias changes the non-nil fields of in, guarded by ifMatch; an
// empty (non-nil) weight map clears the traffic split.
func (s *BoltStore) UpdateAlias(ctx context.Context, accountID, service, alias string, in fc.AliasInput, ifMatch string) (fc.Alias, error) {
	now, etag := s.timestamp(), newETag()
	var rec aliasRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		var err error
		if rec, err = loadAlias(a, service, alias); err != nil {
			return err
		}
		if err := matchETag("alias "+alias+" of service "+service, ifMatch, rec.ETag); err != nil {
			return err
		}
		if in.VersionID != nil {
			rec.Alias.VersionID = *in.VersionID
		}
		if in.Description != nil {
			rec.Alias.Description = *in.Description
		}
		if in.AdditionalVersionWeight != nil {
			rec.Alias.AdditionalVersionWeight = maps.Clone(in.AdditionalVersionWeight)
		}
		if err := checkAliasTargets(a, service, rec.Alias); err != nil {
			return err
		}
		rec.Alias.LastModifiedTime = now
		rec.ETag = etag
		return putJSON(a.aliases, key(service, alias), rec)
	})
	if err != nil {
		return fc.Alias{}, err
	}
	return rec.out(), nil
}

// DeleteAlias removes an alias, guarded by ifMatch.
func (s *BoltStore) DeleteAlias(ctx context.Context, accountID, service, alias, ifMatch string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		rec, err := loadAlias(a, service, alias)
		if err != nil {
			return err
		}
		if err := matchETag("alias "+alias+" of service "+service, ifMatch, rec.ETag); err != nil {
			return err
		}
		if err := a.aliases.Delete(key(service, alias)); err != nil {
			return err
		}
		return dropDependents(tx, accountID, service, alias, "")
	})
}

// ListAliases pages through a service's aliases in name order.
func (s *BoltStore) ListAliases(ctx context.Context, accountID, service string, opt fc.ListOptions) (fc.ListAliasesOutput, error) {
	out := fc.ListAliasesOutput{Aliases: []fc.Alias{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Aliases = out.Aliases[:0]
		a := readAccount(tx, accountID)
		if _, err := loadService(a, service); err != nil {
			return err
		}
		var err error
		out.NextToken, err = listPage(a.aliases, childPrefix(service), opt, func(name string, v []byte) error {
			var rec aliasRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("alias %s/%s: %w", service, name, err)
			}
			out.Aliases = append(out.Aliases, rec.out())
			return nil
		})
		return err
	})
	return out, err
}
