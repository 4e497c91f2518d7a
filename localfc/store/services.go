package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// serviceRec is a service as stored: the response body plus its ETag,
// which the response type keeps out of JSON.
type serviceRec struct {
	Service fc.Service `json:"service"`
	ETag    string     `json:"etag"`
}

func (r serviceRec) out() fc.Service {
	s := r.Service
	s.ETag = r.ETag
	normaliseService(&s)
	return s
}

// normaliseService fills empty collections so that bodies carry [] and
// never null (some clients crash on sparse bodies).
func normaliseService(s *fc.Service) {
	if s.VPCConfig.VSwitchIDs == nil {
		s.VPCConfig.VSwitchIDs = []string{}
	}
	if s.NASConfig.MountPoints == nil {
		s.NASConfig.MountPoints = []fc.MountPoint{}
	}
}

// applyServiceInput sets the non-nil fields of in on s, keeping the
// collections non-nil for full response bodies.
func applyServiceInput(s *fc.Service, in fc.ServiceInput) {
	s.Apply(in)
	normaliseService(s)
}

func serviceNotFound(service string) error {
	return fc.NewError(fc.CodeServiceNotFound, "service %s does not exist", service)
}

// loadService reads the live service record or answers ServiceNotFound.
func loadService(a account, service string) (serviceRec, error) {
	var rec serviceRec
	found, err := loadJSON(a.services, []byte(service), &rec)
	if err != nil {
		return rec, fmt.Errorf("service %s: %w", service, err)
	}
	if !found {
		return rec, serviceNotFound(service)
	}
	return rec, nil
}

// CreateService stores a new service with its defaults filled in
// (internetAccess true, as in Function Compute).
func (s *BoltStore) CreateService(ctx context.Context, accountID string, in fc.ServiceInput) (fc.Service, error) {
	now, etag := s.timestamp(), newETag()
	rec := serviceRec{ETag: etag, Service: fc.Service{
		ServiceName:      in.ServiceName,
		ServiceID:        newID(),
		InternetAccess:   true, // the API's default when a client omits it
		CreatedTime:      now,
		LastModifiedTime: now,
	}}
	applyServiceInput(&rec.Service, in)
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a, err := writeAccount(tx, accountID)
		if err != nil {
			return err
		}
		if get(a.services, []byte(in.ServiceName)) != nil {
			return fc.NewError(fc.CodeServiceAlreadyExists, "service %s already exists", in.ServiceName)
		}
		return putJSON(a.services, []byte(in.ServiceName), rec)
	})
	if err != nil {
		return fc.Service{}, err
	}
	return rec.out(), nil
}

// GetService reads the live service or, with a qualifier, its snapshot.
func (s *BoltStore) GetService(ctx context.Context, accountID, service, qualifier string) (fc.Service, error) {
	var out fc.Service
	err := s.read(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		rec, err := loadService(a, service)
		if err != nil {
			return err
		}
		q, err := resolveQualifier(a, service, qualifier)
		if err != nil {
			return err
		}
		if q.version != nil {
			out = q.version.Service.out()
			return nil
		}
		out = rec.out()
		return nil
	})
	return out, err
}

// UpdateService changes the non-nil fields of in, guarded by ifMatch.
func (s *BoltStore) UpdateService(ctx context.Context, accountID, service string, in fc.ServiceInput, ifMatch string) (fc.Service, error) {
	now, etag := s.timestamp(), newETag()
	var rec serviceRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		var err error
		if rec, err = loadService(a, service); err != nil {
			return err
		}
		if err := matchETag("service "+service, ifMatch, rec.ETag); err != nil {
			return err
		}
		applyServiceInput(&rec.Service, in)
		rec.Service.LastModifiedTime = now
		rec.ETag = etag
		return putJSON(a.services, []byte(service), rec)
	})
	if err != nil {
		return fc.Service{}, err
	}
	return rec.out(), nil
}

// DeleteService removes an empty service: one with no functions, versions
// or aliases.
func (s *BoltStore) DeleteService(ctx context.Context, accountID, service, ifMatch string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		rec, err := loadService(a, service)
		if err != nil {
			return err
		}
		if err := matchETag("service "+service, ifMatch, rec.ETag); err != nil {
			return err
		}
		prefix := childPrefix(service)
		for _, child := range []struct {
			b    *bolt.Bucket
			what string
		}{{a.functions, "functions"}, {a.versions, "versions"}, {a.aliases, "aliases"}} {
			if hasPrefix(child.b, prefix) {
				return fc.NewError(fc.CodeServiceNotEmpty, "service %s still has %s; delete them first", service, child.what)
			}
		}
		if err := a.services.Delete([]byte(service)); err != nil {
			return err
		}
		if err := dropDependents(tx, accountID, service, "", ""); err != nil {
			return err
		}
		// A recreated service is a new service (new serviceId): its
		// version ids start again from 1.
		return a.versionSeq.Delete([]byte(service))
	})
}

// ListServices pages through the account's services in name order.
func (s *BoltStore) ListServices(ctx context.Context, accountID string, opt fc.ListOptions) (fc.ListServicesOutput, error) {
	out := fc.ListServicesOutput{Services: []fc.Service{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		out.Services = out.Services[:0]
		next, err := listPage(a.services, nil, opt, func(name string, v []byte) error {
			var rec serviceRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("service %s: %w", name, err)
			}
			out.Services = append(out.Services, rec.out())
			return nil
		})
		out.NextToken = next
		return err
	})
	return out, err
}
