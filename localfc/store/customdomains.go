package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// CustomDomainStore keeps custom domains. A domain name belongs to one
// account at most, as in Function Compute (a second account binding it is
// refused with DomainNameAlreadyExists), which also lets the server route a
// request by its Host without knowing the account. Names are kept in lower
// case.
type CustomDomainStore interface {
	CreateCustomDomain(ctx context.Context, account string, in fc.CustomDomainInput) (fc.CustomDomain, error)
	GetCustomDomain(ctx context.Context, account, domain string) (fc.CustomDomain, error)
	// UpdateCustomDomain sets the non-nil fields of in (fc.CustomDomain.Apply).
	UpdateCustomDomain(ctx context.Context, account, domain string, in fc.CustomDomainInput) (fc.CustomDomain, error)
	DeleteCustomDomain(ctx context.Context, account, domain string) error
	ListCustomDomains(ctx context.Context, account string, opt fc.ListOptions) (fc.ListCustomDomainsOutput, error)
	// LookupCustomDomain finds a domain by name whatever its account, for
	// routing by Host; found is false when no account declares it.
	LookupCustomDomain(ctx context.Context, domain string) (d fc.CustomDomain, found bool, err error)
	// AllCustomDomains lists every domain of every account, by name.
	AllCustomDomains(ctx context.Context) ([]fc.CustomDomain, error)
}

const (
	// bucketCustomDomains is inside an account bucket: name -> customDomainRec.
	bucketCustomDomains = "custom-domains"
	// bucketDomainOwners is global: name -> account id.
	bucketDomainOwners = "custom-domain-owners"
)

// customDomainRec is a custom domain as stored, private key included: only
// responses leave it out.
type customDomainRec struct {
	Domain fc.CustomDomain `json:"domain"`
}

func (r customDomainRec) out() fc.CustomDomain {
	d := r.Domain
	d.CertConfig.PrivateKey = ""
	normaliseCustomDomain(&d)
	return d
}

// normaliseCustomDomain fills empty collections so that bodies carry []
// and never null.
func normaliseCustomDomain(d *fc.CustomDomain) {
	if d.RouteConfig.Routes == nil {
		d.RouteConfig.Routes = []fc.PathConfig{}
	}
	for i := range d.RouteConfig.Routes {
		if d.RouteConfig.Routes[i].Methods == nil {
			d.RouteConfig.Routes[i].Methods = []string{}
		}
	}
	if d.TLSConfig.CipherSuites == nil {
		d.TLSConfig.CipherSuites = []string{}
	}
}

func domainNotFound(domain string) error {
	return fc.NewError(fc.CodeDomainNameNotFound, "custom domain %s does not exist", domain)
}

// domainBucket returns the account's custom domain bucket, creating it
// (and the account bucket) in a write transaction; nil in a read
// transaction of an account without one.
func domainBucket(tx *bolt.Tx, accountID string, create bool) (*bolt.Bucket, error) {
	if !create {
		root := tx.Bucket(accountBucketName(accountID))
		if root == nil {
			return nil, nil
		}
		return root.Bucket([]byte(bucketCustomDomains)), nil
	}
	root, err := tx.CreateBucketIfNotExists(accountBucketName(accountID))
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", accountID, err)
	}
	return root.CreateBucketIfNotExists([]byte(bucketCustomDomains))
}

func loadCustomDomain(b *bolt.Bucket, domain string) (customDomainRec, error) {
	var rec customDomainRec
	found, err := loadJSON(b, []byte(domain), &rec)
	if err != nil {
		return rec, fmt.Errorf("custom domain %s: %w", domain, err)
	}
	if !found {
		return rec, domainNotFound(domain)
	}
	return rec, nil
}

// CreateCustomDomain stores a new domain, refusing a name any account has.
func (s *BoltStore) CreateCustomDomain(ctx context.Context, accountID string, in fc.CustomDomainInput) (fc.CustomDomain, error) {
	name := strings.ToLower(in.DomainName)
	now := s.timestamp()
	rec := customDomainRec{Domain: fc.CustomDomain{
		DomainName: name, AccountID: accountID, Protocol: fc.ProtocolHTTP, APIVersion: fc.APIVersion,
		CreatedTime: now, LastModifiedTime: now,
	}}
	rec.Domain.Apply(in)
	if err := rec.Domain.CheckCertificate(); err != nil {
		return fc.CustomDomain{}, fc.NewError(fc.CodeInvalidArgument, "custom domain %s: %v", name, err)
	}
	err := s.write(ctx, func(tx *bolt.Tx) error {
		owners, err := tx.CreateBucketIfNotExists([]byte(bucketDomainOwners))
		if err != nil {
			return err
		}
		if owner := owners.Get([]byte(name)); owner != nil {
			if string(owner) == accountID {
				return fc.NewError(fc.CodeDomainNameAlreadyExists, "custom domain %s already exists", name)
			}
			return fc.NewError(fc.CodeDomainNameAlreadyExists, "custom domain %s is already bound by another account", name)
		}
		b, err := domainBucket(tx, accountID, true)
		if err != nil {
			return err
		}
		if err := owners.Put([]byte(name), []byte(accountID)); err != nil {
			return err
		}
		return putJSON(b, []byte(name), rec)
	})
	if err != nil {
		return fc.CustomDomain{}, err
	}
	return rec.out(), nil
}

// GetCustomDomain reads one of the account's domains.
func (s *BoltStore) GetCustomDomain(ctx context.Context, accountID, domain string) (fc.CustomDomain, error) {
	var out fc.CustomDomain
	err := s.read(ctx, func(tx *bolt.Tx) error {
		b, err := domainBucket(tx, accountID, false)
		if err != nil {
			return err
		}
		rec, err := loadCustomDomain(b, strings.ToLower(domain))
		out = rec.out()
		return err
	})
	return out, err
}

// UpdateCustomDomain changes the given fields of a domain.
func (s *BoltStore) UpdateCustomDomain(ctx context.Context, accountID, domain string, in fc.CustomDomainInput) (fc.CustomDomain, error) {
	name := strings.ToLower(domain)
	now := s.timestamp()
	var rec customDomainRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		b, err := domainBucket(tx, accountID, true)
		if err != nil {
			return err
		}
		if rec, err = loadCustomDomain(b, name); err != nil {
			return err
		}
		rec.Domain.Apply(in)
		rec.Domain.LastModifiedTime = now
		if err := rec.Domain.CheckCertificate(); err != nil {
			return fc.NewError(fc.CodeInvalidArgument, "custom domain %s: %v", name, err)
		}
		return putJSON(b, []byte(name), rec)
	})
	if err != nil {
		return fc.CustomDomain{}, err
	}
	return rec.out(), nil
}

// DeleteCustomDomain removes a domain and frees its name.
func (s *BoltStore) DeleteCustomDomain(ctx context.Context, accountID, domain string) error {
	name := strings.ToLower(domain)
	return s.write(ctx, func(tx *bolt.Tx) error {
		b, err := domainBucket(tx, accountID, true)
		if err != nil {
			return err
		}
		if _, err := loadCustomDomain(b, name); err != nil {
			return err
		}
		if err := b.Delete([]byte(name)); err != nil {
			return err
		}
		owners, err := tx.CreateBucketIfNotExists([]byte(bucketDomainOwners))
		if err != nil {
			return err
		}
		return owners.Delete([]byte(name))
	})
}

// ListCustomDomains pages through the account's domains in name order.
func (s *BoltStore) ListCustomDomains(ctx context.Context, accountID string, opt fc.ListOptions) (fc.ListCustomDomainsOutput, error) {
	out := fc.ListCustomDomainsOutput{CustomDomains: []fc.CustomDomain{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.CustomDomains = out.CustomDomains[:0]
		b, err := domainBucket(tx, accountID, false)
		if err != nil {
			return err
		}
		next, err := listPage(b, nil, opt, func(name string, v []byte) error {
			var rec customDomainRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("custom domain %s: %w", name, err)
			}
			out.CustomDomains = append(out.CustomDomains, rec.out())
			return nil
		})
		out.NextToken = next
		return err
	})
	return out, err
}

// LookupCustomDomain finds a domain through the owners index.
func (s *BoltStore) LookupCustomDomain(ctx context.Context, domain string) (fc.CustomDomain, bool, error) {
	name := strings.ToLower(domain)
	var out fc.CustomDomain
	var found bool
	err := s.read(ctx, func(tx *bolt.Tx) error {
		owner := get(tx.Bucket([]byte(bucketDomainOwners)), []byte(name))
		if owner == nil {
			return nil
		}
		b, err := domainBucket(tx, string(owner), false)
		if err != nil {
			return err
		}
		rec, err := loadCustomDomain(b, name)
		if err != nil {
			return fmt.Errorf("custom domain %s of account %s is indexed but not stored: %w", name, owner, err)
		}
		out, found = rec.out(), true
		return nil
	})
	return out, found, err
}

// AllCustomDomains lists every account's domains through the owners index.
func (s *BoltStore) AllCustomDomains(ctx context.Context) ([]fc.CustomDomain, error) {
	var out []fc.CustomDomain
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out = []fc.CustomDomain{}
		return eachPrefix(tx.Bucket([]byte(bucketDomainOwners)), nil, func(k, owner []byte) error {
			b, err := domainBucket(tx, string(owner), false)
			if err != nil {
				return err
			}
			rec, err := loadCustomDomain(b, string(k))
			if err != nil {
				return fmt.Errorf("custom domain %s of account %s is indexed but not stored: %w", k, owner, err)
			}
			out = append(out, rec.out())
			return nil
		})
	})
	return out, err
}
