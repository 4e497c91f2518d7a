package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

// LayerStore keeps layer versions: immutable, numbered from 1 per layer,
// numbers never reused, code kept with the functions' code (by checksum,
// reference counted). The ARN and the code location depend on how the
// server is addressed, so the HTTP layer fills them in.
type LayerStore interface {
	PublishLayerVersion(ctx context.Context, account, layer string, in LayerVersionInput, code *CodeBlob) (fc.Layer, error)
	GetLayerVersion(ctx context.Context, account, layer string, version int32) (fc.Layer, error)
	// GetLayerVersionCode returns the zip of a layer version.
	GetLayerVersionCode(ctx context.Context, account, layer string, version int32) (CodeBlob, error)
	// ListLayers pages through layers by name, each as its newest version.
	ListLayers(ctx context.Context, account string, opt fc.ListOptions) (fc.ListLayersOutput, error)
	// ListLayerVersions pages through a layer's versions from startVersion up.
	ListLayerVersions(ctx context.Context, account, layer string, startVersion int32, limit int) (fc.ListLayerVersionsOutput, error)
	DeleteLayerVersion(ctx context.Context, account, layer string, version int32) error
	// PutLayerACL makes every version of a layer, present and future,
	// public (readable by other accounts) or private.
	PutLayerACL(ctx context.Context, account, layer string, public bool) error
	// ListPublicLayers is ListLayers restricted to public layers.
	ListPublicLayers(ctx context.Context, account string, opt fc.ListOptions) (fc.ListLayersOutput, error)
}

// LayerVersionInput is what a new layer version says besides its code.
type LayerVersionInput struct {
	Description       string
	CompatibleRuntime []string
}

// layerRec is a layer version as stored, without ARN and code location.
type layerRec struct {
	Layer fc.Layer `json:"layer"`
	ETag  string   `json:"etag"`
	// CodeKey keys the zip in the blobs bucket, as for functions.
	CodeKey string `json:"codeKey,omitempty"`
}

func (r layerRec) blobKey() string {
	if r.CodeKey != "" {
		return r.CodeKey
	}
	return r.Layer.CodeChecksum
}

func (r layerRec) out() fc.Layer {
	l := r.Layer
	l.ETag = r.ETag
	l.CompatibleRuntime = slices.Clone(l.CompatibleRuntime)
	if l.CompatibleRuntime == nil {
		l.CompatibleRuntime = []string{}
	}
	return l
}

// layerACL is the ACL of a layer: public when its name is in the acl bucket.
func layerACL(tx *bolt.Tx, accountID, layer string) int32 {
	if get(readSub(tx, accountID, bucketLayerACL), []byte(layer)) != nil {
		return fc.LayerACLPublic
	}
	return fc.LayerACLPrivate
}

func layerKey(layer string, version int32) []byte {
	return append(childPrefix(layer), u64(uint64(version))...)
}

func layerNotFound(layer string) error {
	return fc.NewError(fc.CodeLayerNotFound, "layer %s does not exist (it has no version)", layer)
}

// loadLayerVersion reads a version, telling a missing layer from a missing
// version of an existing one.
func loadLayerVersion(b *bolt.Bucket, layer string, version int32) (layerRec, error) {
	var rec layerRec
	found, err := loadJSON(b, layerKey(layer, version), &rec)
	if err != nil {
		return rec, fmt.Errorf("layer %s version %d: %w", layer, version, err)
	}
	if found {
		return rec, nil
	}
	if !hasPrefix(b, childPrefix(layer)) {
		return rec, layerNotFound(layer)
	}
	return rec, fc.NewError(fc.CodeLayerVersionNotFound, "version %d of layer %s does not exist", version, layer)
}

// PublishLayerVersion stores the next version of layer with its code.
func (s *BoltStore) PublishLayerVersion(ctx context.Context, accountID, layer string, in LayerVersionInput, code *CodeBlob) (fc.Layer, error) {
	subject := "layer " + layer
	if code == nil {
		return fc.Layer{}, fc.NewError(fc.CodeInvalidArgument, "%s: code is required", subject)
	}
	if err := checkCode(subject, code); err != nil {
		return fc.Layer{}, err
	}
	now, etag := s.timestamp(), newETag()
	var rec layerRec
	err := s.write(ctx, func(tx *bolt.Tx) error {
		layers, err := writeSub(tx, accountID, bucketLayers)
		if err != nil {
			return err
		}
		seq, err := writeSub(tx, accountID, bucketLayerSeq)
		if err != nil {
			return err
		}
		last := readCount(seq.Get([]byte(layer)))
		if last >= 1<<31-1 {
			return fc.NewError(fc.CodeInvalidArgument, "%s has used every version number", subject)
		}
		version := int32(last + 1)
		rec = layerRec{ETag: etag, Layer: fc.Layer{
			LayerName:         layer,
			Version:           version,
			Description:       in.Description,
			CodeSize:          int64(len(code.Zip)),
			CodeChecksum:      code.Checksum,
			CreateTime:        now,
			ACL:               layerACL(tx, accountID, layer),
			CompatibleRuntime: slices.Clone(in.CompatibleRuntime),
		}}
		key, err := addBlobRef(tx, code)
		if err != nil {
			return err
		}
		rec.CodeKey = key
		if err := seq.Put([]byte(layer), u64(uint64(version))); err != nil {
			return err
		}
		return putJSON(layers, layerKey(layer, version), rec)
	})
	if err != nil {
		return fc.Layer{}, err
	}
	return rec.out(), nil
}

// GetLayerVersion reads one version of a layer.
func (s *BoltStore) GetLayerVersion(ctx context.Context, accountID, layer string, version int32) (fc.Layer, error) {
	var out fc.Layer
	err := s.read(ctx, func(tx *bolt.Tx) error {
		rec, err := loadLayerVersion(readSub(tx, accountID, bucketLayers), layer, version)
		if err != nil {
			return err
		}
		out = rec.out()
		out.ACL = layerACL(tx, accountID, layer)
		return nil
	})
	return out, err
}

// GetLayerVersionCode returns the zip of a layer version.
func (s *BoltStore) GetLayerVersionCode(ctx context.Context, accountID, layer string, version int32) (CodeBlob, error) {
	var out CodeBlob
	err := s.read(ctx, func(tx *bolt.Tx) error {
		rec, err := loadLayerVersion(readSub(tx, accountID, bucketLayers), layer, version)
		if err != nil {
			return err
		}
		out, err = loadBlob(tx, fmt.Sprintf("layer %s version %d", layer, version), rec.blobKey(), rec.Layer.CodeChecksum)
		return err
	})
	return out, err
}

// layerNameOf is the layer name of a version key (name, sep, 8-byte
// version).
func layerNameOf(k []byte) (string, bool) {
	name, _, ok := bytes.Cut(k, []byte(sep))
	return string(name), ok
}

// ListLayers pages through layers in name order, each as its newest
// version, honouring prefix, startKey and nextToken like the other lists.
func (s *BoltStore) ListLayers(ctx context.Context, accountID string, opt fc.ListOptions) (fc.ListLayersOutput, error) {
	return s.listLayers(ctx, accountID, opt, false)
}

// ListPublicLayers pages through the account's public layers.
func (s *BoltStore) ListPublicLayers(ctx context.Context, accountID string, opt fc.ListOptions) (fc.ListLayersOutput, error) {
	return s.listLayers(ctx, accountID, opt, true)
}

func (s *BoltStore) listLayers(ctx context.Context, accountID string, opt fc.ListOptions, publicOnly bool) (fc.ListLayersOutput, error) {
	out := fc.ListLayersOutput{Layers: []fc.Layer{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Layers, out.NextToken = out.Layers[:0], ""
		b := readSub(tx, accountID, bucketLayers)
		if b == nil {
			return nil
		}
		start := max(opt.Prefix, opt.StartKey)
		if opt.NextToken != "" {
			tok, err := decodeToken(opt.NextToken)
			if err != nil {
				return err
			}
			start = max(start, tok)
		}
		limit := pageLimit(opt.Limit)
		c := b.Cursor()
		k, v := c.Seek([]byte(start))
		for k != nil {
			name, ok := layerNameOf(k)
			if !ok {
				return fmt.Errorf("layers: malformed key %q", k)
			}
			if !strings.HasPrefix(name, opt.Prefix) {
				return nil
			}
			acl := layerACL(tx, accountID, name)
			listed := !publicOnly || acl == fc.LayerACLPublic
			if listed && len(out.Layers) == limit {
				out.NextToken = encodeToken(name)
				return nil
			}
			// Walk to the layer's last (newest) version.
			newest := v
			for k, v = c.Next(); k != nil && bytes.HasPrefix(k, childPrefix(name)); k, v = c.Next() {
				newest = v
			}
			if !listed {
				continue
			}
			var rec layerRec
			if err := decode(newest, &rec); err != nil {
				return fmt.Errorf("layer %s: %w", name, err)
			}
			l := rec.out()
			l.ACL = acl
			out.Layers = append(out.Layers, l)
		}
		return nil
	})
	return out, err
}

// ListLayerVersions pages through a layer's versions, oldest first, from
// startVersion; NextVersion is the first version of the next page.
func (s *BoltStore) ListLayerVersions(ctx context.Context, accountID, layer string, startVersion int32, limit int) (fc.ListLayerVersionsOutput, error) {
	out := fc.ListLayerVersionsOutput{Layers: []fc.Layer{}}
	err := s.read(ctx, func(tx *bolt.Tx) error {
		out.Layers, out.NextVersion = out.Layers[:0], 0
		b := readSub(tx, accountID, bucketLayers)
		prefix := childPrefix(layer)
		if !hasPrefix(b, prefix) {
			return layerNotFound(layer)
		}
		limit := pageLimit(limit)
		c := b.Cursor()
		for k, v := c.Seek(layerKey(layer, max(startVersion, 1))); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rec layerRec
			if err := decode(v, &rec); err != nil {
				return fmt.Errorf("layer %s: %w", layer, err)
			}
			if len(out.Layers) == limit {
				out.NextVersion = rec.Layer.Version
				return nil
			}
			l := rec.out()
			l.ACL = layerACL(tx, accountID, layer)
			out.Layers = append(out.Layers, l)
		}
		return nil
	})
	return out, err
}

// DeleteLayerVersion removes one version and releases its code; its
// number stays used.
func (s *BoltStore) DeleteLayerVersion(ctx context.Context, accountID, layer string, version int32) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		b := readSub(tx, accountID, bucketLayers)
		rec, err := loadLayerVersion(b, layer, version)
		if err != nil {
			return err
		}
		if err := b.Delete(layerKey(layer, version)); err != nil {
			return err
		}
		return releaseBlob(tx, rec.blobKey())
	})
}

// PutLayerACL makes a layer public or private.
func (s *BoltStore) PutLayerACL(ctx context.Context, accountID, layer string, public bool) error {
	return s.write(ctx, func(tx *bolt.Tx) error {
		if !hasPrefix(readSub(tx, accountID, bucketLayers), childPrefix(layer)) {
			return layerNotFound(layer)
		}
		b, err := writeSub(tx, accountID, bucketLayerACL)
		if err != nil {
			return err
		}
		if public {
			return b.Put([]byte(layer), []byte{1})
		}
		return b.Delete([]byte(layer))
	})
}
