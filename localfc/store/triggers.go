package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// triggerRec is a trigger as stored: its response body (qualifier as
// given, "" when none was) plus its ETag.
type triggerRec struct {
	Trigger fc.Trigger `json:"trigger"`
	ETag    string     `json:"etag"`
}

func (r triggerRec) out() fc.Trigger {
	t := r.Trigger
	t.ETag = r.ETag
	if t.Qualifier == "" {
		t.Qualifier = fc.QualifierLatest
	}
	t.TriggerConfig = configObject(t.TriggerConfig)
	return t
}

// configObject keeps a trigger config verbatim, except that an absent one
// reads as {} (clients expect an object).
func configObject(raw json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return json.RawMessage("{}")
	}
	return bytes.Clone(raw)
}

func loadTrigger(a account, service, function, trigger string) (triggerRec, error) {
	var rec triggerRec
	found, err := loadJSON(a.triggers, key(service, function, trigger), &rec)
	if err != nil {
		return rec, fmt.Errorf("trigger %s/%s/%s: %w", service, function, trigger, err)
	}
	if !found {
		return rec, fc.NewError(fc.CodeTriggerNotFound, "trigger %s of function %s/%s does not exist", trigger, service, function)
	}
	return rec, nil
}

// parents checks that the service and function of a trigger exist.
func parents(a account, service, function string) error {
	if _, err := loadService(a, service); err != nil {
		return err
	}
	_, err := loadFunction(a, service, function)
	return err
}

// checkConfig refuses a trigger config that is not a JSON object, which
// would otherwise fail deep inside the write as an internal error.
func checkConfig(subject string, raw json.RawMessage) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil
	}
	if t[0] != '{' || !json.Valid(t) {
		return fc.NewError(fc.CodeInvalidArgument, "%s: triggerConfig must be a JSON object", subject)
	}
	return nil
}

// CreateTrigger stores a new trigger of a function, its config verbatim.
func (s *BoltStore) CreateTrigger(ctx context.Context, accountID, service, function string, in fc.TriggerInput) (fc.Trigger, error) {
	if err := checkConfig("trigger "+service+"/"+function+"/"+in.TriggerName, in.TriggerConfig); err != nil {
		return fc.Trigger{}, err
	}
	now := s.timestamp()
	rec := triggerRec{ETag: newETag(), Trigger: fc.Trigger{
		TriggerName:      in.TriggerName,
		TriggerType:      in.TriggerType,
		TriggerConfig:    configObject(in.TriggerConfig),
		CreatedTime:      now,
		LastModifiedTime: now,
	}}
	applyTriggerInput(&rec.Trigger, in)
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if err := parents(a, service, function); err != nil {
			return err
		}
		k := key(service, function, in.TriggerName)
		if get(a.triggers, k) != nil {
			return fc.NewError(fc.CodeTriggerAlreadyExists, "trigger %s of function %s/%s already exists", in.TriggerName, service, function)
		}
		return putJSON(a.triggers, k, rec)
	})
	if err != nil {
		return fc.Trigger{}, err
	}
	return rec.out(), nil
}

// applyTriggerInput sets the non-nil fields of in; name and type never
// change after creation.
func applyTriggerInput(t *fc.Trigger, in fc.TriggerInput) {
	if in.SourceARN != nil {
		t.SourceARN = *in.SourceARN
	}
	if in.InvocationRole != nil {
		t.InvocationRole = *in.InvocationRole
	}
	if in.Qualifier != nil {
		t.Qualifier = *in.Qualifier
	}
	if raw := bytes.TrimSpace(in.TriggerConfig); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		t.TriggerConfig = bytes.Clone(in.TriggerConfig)
	}
}

// GetTrigger reads a trigger.
func (s *BoltStore) GetTrigger(ctx context.Context, accountID, service, function, trigger string) (fc.Trigger, error) {
	var out fc.Trigger
	err := s.read(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if err := parents(a, service, function); err != nil {
			return err
		}
		rec, err := loadTrigger(a, service, function, trigger)
		out = rec.out()
		return err
	})
	return out, err
}

// UpdateTrigger changes the non-nil fields of in, guarded by ifMatch.
func (s *BoltStore) UpdateTrigger(ctx context.Context, accountID, service, function, trigger string, in fc.TriggerInput, ifMatch string) (fc.Trigger, error) {
	if err := checkConfig("trigger "+service+"/"+function+"/"+trigger, in.TriggerConfig); err != nil {
		return fc.Trigger{}, err
	}
	now, etag := s.timestamp(), newETag()
	var rec triggerRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if err := parents(a, service, function); err != nil {
			return err
		}
		var err error
		if rec, err = loadTrigger(a, service, function, trigger); err != nil {
			return err
		}
		if err := matchETag("trigger "+service+"/"+function+"/"+trigger, ifMatch, rec.ETag); err != nil {
			return err
		}
		applyTriggerInput(&rec.Trigger, in)
		rec.Trigger.LastModifiedTime = now
		rec.ETag = etag
		return putJSON(a.triggers, key(service, function, trigger), rec)
	})
	if err != nil {
		return fc.Trigger{}, err
	}
	return rec.out(), nil
}

// DeleteTrigger removes a trigger, guarded by ifMatch.
func (s *BoltStore) DeleteTrigger(ctx context.Context, accountID, service, function, trigger, ifMatch string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		a := readAccount(tx, accountID)
		if err := parents(a, service, function); err != nil {
			return err
		}
		rec, err := loadTrigger(a, service, function, trigger)
		if err != nil {
			return err
		}
		if err := matchETag("trigger "+service+"/"+function+"/"+trigger, ifMatch, rec.ETag); err != nil {
			return err
		}
		return a.triggers.Delete(key(service, function, trigger))
	})
}

// ListTriggers pages through a function's triggers in name order.
func (s *BoltStore) ListTriggers(ctx context.Context, accountID, service, function string, opt fc.ListOptions) (fc.ListTriggersOutput, error) {
	out := fc.ListTriggersOutput{Triggers: []fc.Trigger{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Triggers = out.Triggers[:0]
		a := readAccount(tx, accountID)
		if err := parents(a, service, function); err != nil {
			return err
		}
		var err error
		out.NextToken, err = listPage(a.triggers, childPrefix(service, function), opt, func(name string, v []byte) error {
			var rec triggerRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("trigger %s/%s/%s: %w", service, function, name, err)
			}
			out.Triggers = append(out.Triggers, rec.out())
			return nil
		})
		return err
	})
	return out, err
}
