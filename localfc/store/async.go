package store

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The async queue lives in three global buckets: unclaimed invocations by
// enqueue sequence (so the first key is the oldest), claimed ones by id,
// and every queued id with its sequence (to refuse duplicates and to find
// an entry by id).
const bucketAsyncIDs = "async-ids" // invocation id -> 8-byte sequence

// asyncRec is a queued invocation with its place in the queue, which it
// keeps when it is claimed and put back.
type asyncRec struct {
	Inv AsyncInvocation `json:"inv"`
	Seq uint64          `json:"seq"`
}

// requeueInFlight makes invocations claimed by a previous process
// unclaimed again, at their original place: delivery is at least once.
func requeueInFlight(tx *bolt.Tx) error {
	flight, ready := tx.Bucket([]byte(bucketAsyncFlight)), tx.Bucket([]byte(bucketAsyncReady))
	var keys [][]byte
	err := flight.ForEach(func(k, v []byte) error {
		var rec asyncRec
		if err := decode(v, &rec); err != nil {
			return fmt.Errorf("async invocation %s: %w", k, err)
		}
		keys = append(keys, k)
		return ready.Put(u64(rec.Seq), v)
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := flight.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

type asyncBuckets struct{ ready, flight, ids *bolt.Bucket }

func asyncQueue(tx *bolt.Tx) asyncBuckets {
	return asyncBuckets{
		ready:  tx.Bucket([]byte(bucketAsyncReady)),
		flight: tx.Bucket([]byte(bucketAsyncFlight)),
		ids:    tx.Bucket([]byte(bucketAsyncIDs)),
	}
}

// EnqueueAsync appends an invocation to the queue; its id must be new.
func (s *BoltStore) EnqueueAsync(ctx context.Context, inv AsyncInvocation) error {
	if inv.ID == "" {
		return fmt.Errorf("async invocation of %s/%s: id is empty", inv.ServiceName, inv.FunctionName)
	}
	return s.write(ctx, func(tx *bolt.Tx) error {
		q := asyncQueue(tx)
		if q.ids.Get([]byte(inv.ID)) != nil {
			return fmt.Errorf("async invocation %s: already queued", inv.ID)
		}
		seq, err := q.ready.NextSequence()
		if err != nil {
			return err
		}
		if err := putJSON(q.ready, u64(seq), asyncRec{Inv: inv, Seq: seq}); err != nil {
			return err
		}
		return q.ids.Put([]byte(inv.ID), u64(seq))
	})
}

// NextAsync claims the oldest unclaimed invocation.
func (s *BoltStore) NextAsync(ctx context.Context) (AsyncInvocation, bool, error) {
	var rec asyncRec
	var ok bool
	err := s.write(ctx, func(tx *bolt.Tx) error {
		rec, ok = asyncRec{}, false
		q := asyncQueue(tx)
		k, v := q.ready.Cursor().First()
		if k == nil {
			return nil
		}
		if err := decode(v, &rec); err != nil {
			return fmt.Errorf("async invocation at %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if err := q.ready.Delete(k); err != nil {
			return err
		}
		ok = true
		return q.flight.Put([]byte(rec.Inv.ID), v)
	})
	if err != nil || !ok {
		return AsyncInvocation{}, false, err
	}
	return rec.Inv, true, nil
}

// DoneAsync removes an invocation from the queue, claimed or not.
func (s *BoltStore) DoneAsync(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		q := asyncQueue(tx)
		seq := q.ids.Get([]byte(id))
		if seq == nil {
			return fmt.Errorf("async invocation %s: %w", id, ErrNotQueued)
		}
		if err := q.ready.Delete(seq); err != nil {
			return err
		}
		if err := q.flight.Delete([]byte(id)); err != nil {
			return err
		}
		return q.ids.Delete([]byte(id))
	})
}

// RetryAsync puts a claimed invocation back, unclaimed, at its original
// place in the queue, with Attempts incremented.
func (s *BoltStore) RetryAsync(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		q := asyncQueue(tx)
		var rec asyncRec
		found, err := loadJSON(q.flight, []byte(id), &rec)
		if err != nil {
			return fmt.Errorf("async invocation %s: %w", id, err)
		}
		if !found {
			return fmt.Errorf("async invocation %s is not claimed: %w", id, ErrNotQueued)
		}
		rec.Inv.Attempts++
		if err := q.flight.Delete([]byte(id)); err != nil {
			return err
		}
		return putJSON(q.ready, u64(rec.Seq), rec)
	})
}
