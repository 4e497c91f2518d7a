package localfc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// runtimeRequest maps a function, as the store resolved it for a
// qualifier, to what the runtime needs to start an instance of it: every
// field that changes how the function runs, its code and its layers. The
// invocation fields (event, request id, HTTP) are the caller's.
func (s *Server) runtimeRequest(ctx context.Context, account, service, qualifier, function string, resolved store.ResolvedFunction, code store.CodeBlob) (runtime.Request, layerNames, error) {
	f := resolved.Function
	layers, names, err := s.functionLayers(ctx, account, service, function, f.Layers)
	if err != nil {
		return runtime.Request{}, nil, err
	}
	req := runtime.Request{
		AccountID: account, Service: service, Function: function,
		Qualifier: qualifier, VersionID: resolved.VersionID,
		Runtime: f.Runtime, Handler: f.Handler, Initializer: f.Initializer,
		InitializationTimeout: f.InitializationTimeout, Timeout: f.Timeout, MemorySize: f.MemorySize,
		Env:          f.EnvironmentVariables,
		CodeChecksum: code.Checksum,
		CodeSHA256:   s.codeDigest(account, service, function, f.ETag, code),
		Code:         func() ([]byte, error) { return code.Zip, nil },
		Layers:       layers,

		Command:         f.CustomRuntimeConfig.Command,
		Args:            f.CustomRuntimeConfig.Args,
		CAPort:          f.CAPort,
		HealthCheckPath: f.CustomHealthCheckConfig.HTTPGetURL,
		PreFreeze:       hook(f.InstanceLifecycleConfig.PreFreeze),
		PreStop:         hook(f.InstanceLifecycleConfig.PreStop),
		LogProject:      resolved.Service.LogConfig.Project,
		LogStore:        resolved.Service.LogConfig.Logstore,
	}
	return req, names, nil
}

func hook(h *fc.LifecycleHook) *runtime.LifecycleHook {
	if h == nil || h.Handler == "" {
		return nil
	}
	return &runtime.LifecycleHook{Handler: h.Handler, Timeout: h.Timeout}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// digestMemo remembers SHA-256 digests of zips by what identifies their
// bytes for good (a function record's random ETag, an immutable layer
// version), so that an invocation does not hash its code every time.
type digestMemo struct {
	mu sync.Mutex
	m  map[string]string
}

// maxDigests bounds the memo; past it, it starts again empty.
const maxDigests = 4096

func (d *digestMemo) get(key string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.m[key]
	return v, ok
}

func (d *digestMemo) put(key, digest string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) >= maxDigests {
		d.m = map[string]string{}
	}
	d.m[key] = digest
}

// codeDigest is the SHA-256 of a function's code. A function record's
// ETag is random and new with every write, so with its checksum it names
// the bytes; without one (never the case for stored functions) the zip is
// hashed.
func (s *Server) codeDigest(account, service, function, etag string, code store.CodeBlob) string {
	if etag == "" {
		return sha256Hex(code.Zip)
	}
	key := "code\x00" + account + "\x00" + service + "\x00" + function + "\x00" + etag + "\x00" + code.Checksum
	if d, ok := s.digests.get(key); ok {
		return d
	}
	d := sha256Hex(code.Zip)
	s.digests.put(key, d)
	return d
}

// layerNames maps a layer zip's checksum to the ARN the function names it
// by, so that a runtime.LayerError can say which layer failed.
type layerNames map[string]string

// errLayerLoad marks a layer zip the store failed to hand over: an internal
// failure, not the layer's fault.
type errLayerLoad struct{ err error }

func (e *errLayerLoad) Error() string { return e.err.Error() }
func (e *errLayerLoad) Unwrap() error { return e.err }

// functionLayers resolves the layers a function lists (as of the version
// it was resolved at) to layer versions in the store: the account's own,
// or another account's when that layer is public, as on the platform. A
// layer version that is missing or not readable fails the invocation with
// an error naming the ARN.
func (s *Server) functionLayers(ctx context.Context, account, service, function string, arns []string) ([]runtime.Layer, layerNames, error) {
	if len(arns) == 0 {
		return nil, nil, nil
	}
	subject := "function " + service + "/" + function
	out := make([]runtime.Layer, 0, len(arns))
	names := layerNames{}
	for _, arn := range arns {
		ref, err := fc.ParseLayerVersionARN(arn)
		if err != nil {
			return nil, nil, invalid("%s: layers: %v; update the function's layers", subject, err)
		}
		if ref.Owner == fc.LayerOwnerOfficial {
			return nil, nil, fc.NewError(fc.CodeLayerNotFound, "%s: layer %s: the local Function Compute has no official layers; publish the layer to account %s and use its ARN", subject, arn, account)
		}
		// The local Function Compute is one region: the ARN's region is
		// not compared, its account, name and version are.
		l, err := s.store.GetLayerVersion(ctx, ref.Owner, ref.LayerName, ref.Version)
		if ref.Owner != account && (err != nil && fc.IsNotFound(err) || err == nil && l.ACL != fc.LayerACLPublic) {
			return nil, nil, fc.NewError(fc.CodeAccessDenied, "%s: layer %s belongs to account %s and is not public; account %s cannot use it", subject, arn, ref.Owner, account)
		}
		if e := fc.AsAPIError(err); e != nil {
			return nil, nil, fc.NewError(e.Code, "%s: layer %s cannot be used: %s; publish it again and update the function's layers", subject, arn, e.Message)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: layer %s: %w", subject, arn, err)
		}
		digest, zip, err := s.layerDigest(ctx, ref, l.CodeChecksum)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: layer %s: %w", subject, arn, err)
		}
		out = append(out, runtime.Layer{Checksum: l.CodeChecksum, SHA256: digest, Zip: func() ([]byte, error) {
			if zip != nil {
				return zip, nil
			}
			blob, err := s.store.GetLayerVersionCode(ctx, ref.Owner, ref.LayerName, ref.Version)
			if err != nil {
				return nil, &errLayerLoad{err}
			}
			return blob.Zip, nil
		}})
		names[l.CodeChecksum] = arn
	}
	return out, names, nil
}

// layerDigest is the SHA-256 of a layer version's zip. Layer versions are
// immutable and their numbers never reused, so it is computed once per
// version and remembered; the zip read to compute it is returned too.
func (s *Server) layerDigest(ctx context.Context, ref fc.LayerVersionRef, checksum string) (string, []byte, error) {
	key := "layer\x00" + ref.Owner + "\x00" + ref.LayerName + "\x00" + strconv.Itoa(int(ref.Version)) + "\x00" + checksum
	if d, ok := s.digests.get(key); ok {
		return d, nil, nil
	}
	blob, err := s.store.GetLayerVersionCode(ctx, ref.Owner, ref.LayerName, ref.Version)
	if err != nil {
		return "", nil, err
	}
	if blob.Checksum != checksum {
		return "", nil, fmt.Errorf("the stored zip has checksum %s, the version says %s", blob.Checksum, checksum)
	}
	d := sha256Hex(blob.Zip)
	s.digests.put(key, d)
	return d, blob.Zip, nil
}

// runtimeError turns what the runtime could not do into the error the
// client sees: an unsupported runtime is 501, code or a layer that cannot
// be unpacked is 400 naming it (a layer by its ARN), the rest is internal.
func runtimeError(subject string, names layerNames, err error) error {
	var unsupported *runtime.UnsupportedRuntimeError
	var layerErr *runtime.LayerError
	var codeErr *runtime.CodeError
	var load *errLayerLoad
	switch {
	case errors.As(err, &unsupported):
		return fc.NewError(fc.CodeNotImplemented, "%s: %s", subject, unsupported.Error())
	case errors.As(err, &load):
		return fmt.Errorf("%s: %w", subject, err)
	case errors.As(err, &layerErr):
		arn := names[layerErr.Checksum]
		if arn == "" {
			arn = "with checksum " + layerErr.Checksum
		}
		return invalid("%s: layer %s cannot be used: %v; publish a fixed version of the layer and update the function's layers", subject, arn, layerErr.Err)
	case errors.As(err, &codeErr):
		return invalid("%s: its code cannot be used: %v; update the function's code", subject, codeErr.Err)
	}
	return fmt.Errorf("%s: %w", subject, err)
}
