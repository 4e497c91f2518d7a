package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// cursor is what listPage walks: a *bolt.Cursor over a bucket, or a
// sliceCursor over a version snapshot.
type cursor interface {
	Seek(seek []byte) (key, value []byte)
	Next() (key, value []byte)
}

// pageLimit applies the list default and ceiling; the HTTP layer has
// already refused out-of-range values, so this only guards direct callers.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return fc.DefaultListLimit
	case n > fc.MaxListLimit:
		return fc.MaxListLimit
	}
	return n
}

// encodeToken makes an opaque nextToken out of the next key to return.
func encodeToken(next string) string { return base64.RawURLEncoding.EncodeToString([]byte(next)) }

func decodeToken(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", fc.NewError(fc.CodeInvalidArgument, "nextToken %q is invalid: pass the nextToken of the previous page unchanged", token)
	}
	return string(b), nil
}

// listPage calls fn for one page of the children of parent (a key prefix)
// in key order, honouring prefix, startKey (inclusive) and nextToken, and
// returns the token of the next page ("" on the last one).
func listPage(b *bolt.Bucket, parent []byte, opt fc.ListOptions, fn func(name string, value []byte) error) (string, error) {
	if b == nil {
		return "", nil
	}
	return listCursor(b.Cursor(), parent, opt, fn)
}

func listCursor(c cursor, parent []byte, opt fc.ListOptions, fn func(name string, value []byte) error) (string, error) {
	start := max(opt.Prefix, opt.StartKey)
	if opt.NextToken != "" {
		tok, err := decodeToken(opt.NextToken)
		if err != nil {
			return "", err
		}
		start = max(start, tok)
	}
	limit := pageLimit(opt.Limit)
	match := append(append([]byte{}, parent...), opt.Prefix...)
	n := 0
	for k, v := c.Seek(append(append([]byte{}, parent...), start...)); k != nil && bytes.HasPrefix(k, match); k, v = c.Next() {
		name := string(k[len(parent):])
		if n == limit {
			return encodeToken(name), nil
		}
		if err := fn(name, v); err != nil {
			return "", err
		}
		n++
	}
	return "", nil
}

// hasPrefix reports whether any key of b starts with prefix.
func hasPrefix(b *bolt.Bucket, prefix []byte) bool {
	if b == nil {
		return false
	}
	k, _ := b.Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// eachPrefix calls fn for every key of b that starts with prefix. fn must
// not modify b; collect keys and change them afterwards.
func eachPrefix(b *bolt.Bucket, prefix []byte, fn func(k, v []byte) error) error {
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func decode(data []byte, v any) error { return json.Unmarshal(data, v) }

// sliceCursor walks sorted in-memory keys like a bucket cursor; values
// are empty, callers look entries up by name.
type sliceCursor struct {
	keys [][]byte
	i    int
}

func (c *sliceCursor) at() ([]byte, []byte) {
	if c.i >= len(c.keys) {
		return nil, nil
	}
	return c.keys[c.i], []byte{}
}

func (c *sliceCursor) Seek(seek []byte) ([]byte, []byte) {
	c.i = sort.Search(len(c.keys), func(i int) bool { return bytes.Compare(c.keys[i], seek) >= 0 })
	return c.at()
}

func (c *sliceCursor) Next() ([]byte, []byte) {
	c.i++
	return c.at()
}
