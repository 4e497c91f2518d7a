package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Buckets of the resources added since the 2018 API, inside each account's
// bucket. They are created on the first write that needs them, so that
// data files written before they existed open unchanged.
const (
	bucketLayers    = "layers"    // layer sep 8-byte version -> layerRec
	bucketLayerSeq  = "layer-seq" // layer -> uint64 last version ever published
	bucketLayerACL  = "layer-acl" // layer -> present when the layer is public
	bucketProvision = "provision" // service sep alias sep function -> provisionRec
	bucketOnDemand  = "on-demand" // resource string -> onDemandRec
	bucketTags      = "tags"      // service -> tagsRec
)

// readSub is a bucket of the account's, nil when absent (read as empty).
func readSub(tx *bolt.Tx, accountID, name string) *bolt.Bucket {
	root := tx.Bucket(accountBucketName(accountID))
	if root == nil {
		return nil
	}
	return root.Bucket([]byte(name))
}

// writeSub is a bucket of the account's, created if needed.
func writeSub(tx *bolt.Tx, accountID, name string) (*bolt.Bucket, error) {
	root, err := tx.CreateBucketIfNotExists(accountBucketName(accountID))
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", accountID, err)
	}
	b, err := root.CreateBucketIfNotExists([]byte(name))
	if err != nil {
		return nil, fmt.Errorf("account %s: %s: %w", accountID, name, err)
	}
	return b, nil
}

// deleteKeys removes keys collected by a walk (bbolt forbids deleting while
// a cursor walks the bucket).
func deleteKeys(b *bolt.Bucket, keys [][]byte) error {
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// collectKeys copies the keys of b under prefix that keep says to take.
func collectKeys(b *bolt.Bucket, prefix []byte, keep func(k []byte) bool) ([][]byte, error) {
	var keys [][]byte
	err := eachPrefix(b, prefix, func(k, _ []byte) error {
		if keep == nil || keep(k) {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	return keys, err
}

// dropDependents removes what hangs off a resource being deleted, inside
// the delete's transaction: with only service set, everything of the
// service (its tags and configs); with a qualifier, the configs as of that
// alias or version (LATEST with a function: the live function's). Configs
// as of an alias or version outlive the live function: the snapshot still
// holds it.
func dropDependents(tx *bolt.Tx, accountID, service, qualifier, function string) error {
	if b := readSub(tx, accountID, bucketProvision); b != nil {
		// Provision configs are as of an alias, never LATEST: deleting a
		// function (qualifier LATEST) leaves them with the snapshots.
		keys, err := collectKeys(b, childPrefix(service), func(k []byte) bool {
			_, q, _ := splitProvisionKey(k)
			return qualifier == "" || q == qualifier
		})
		if err != nil {
			return err
		}
		if err := deleteKeys(b, keys); err != nil {
			return err
		}
	}
	if b := readSub(tx, accountID, bucketOnDemand); b != nil {
		keys, err := collectKeys(b, []byte("services/"+service+"."), func(k []byte) bool {
			_, q, f, ok := splitOnDemandResource(string(k))
			return ok && (qualifier == "" || q == qualifier) && (function == "" || f == function)
		})
		if err != nil {
			return err
		}
		if err := deleteKeys(b, keys); err != nil {
			return err
		}
	}
	if qualifier != "" || function != "" {
		return nil
	}
	if b := readSub(tx, accountID, bucketTags); b != nil {
		return b.Delete([]byte(service))
	}
	return nil
}
