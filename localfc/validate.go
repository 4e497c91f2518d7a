package localfc

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// decodeBody decodes a JSON body whatever Content-Type says (the SDKs
// send octet-stream for JSON). Unknown fields are ignored and null leaves a
// field unchanged, which the pointer input types give. optional allows an
// empty body.
func decodeBody(r *http.Request, v any, optional bool) error {
	if r.Body == nil {
		if optional {
			return nil
		}
		return invalid("the request body is empty; a JSON object is required")
	}
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	if err == nil {
		// One JSON value is the whole body: `{...}{...}` or `{...} junk` is
		// a client bug that must not half-apply.
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			return invalid("the request body has data after its JSON object; send exactly one JSON object")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return fc.NewError(fc.CodeEntityTooLarge, "the request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		if optional {
			return nil
		}
		return invalid("the request body is empty; a JSON object is required")
	default:
		return invalid("the request body is not valid JSON for this operation: %v", err)
	}
}

// listOptions reads limit, nextToken, prefix and startKey; unknown
// parameters are ignored.
func listOptions(q url.Values) (fc.ListOptions, error) {
	limit, err := listLimit(q)
	if err != nil {
		return fc.ListOptions{}, err
	}
	return fc.ListOptions{Limit: limit, NextToken: q.Get("nextToken"), Prefix: q.Get("prefix"), StartKey: q.Get("startKey")}, nil
}

func listVersionsOptions(q url.Values) (fc.ListVersionsOptions, error) {
	limit, err := listLimit(q)
	if err != nil {
		return fc.ListVersionsOptions{}, err
	}
	dir := q.Get("direction")
	switch dir {
	case "":
		dir = fc.DirectionBackward
	case fc.DirectionBackward, fc.DirectionForward:
	default:
		return fc.ListVersionsOptions{}, invalid("direction %q is invalid: use %s or %s", dir, fc.DirectionBackward, fc.DirectionForward)
	}
	return fc.ListVersionsOptions{Limit: limit, NextToken: q.Get("nextToken"), StartKey: q.Get("startKey"), Direction: dir}, nil
}

func listLimit(q url.Values) (int, error) {
	s := q.Get("limit")
	if s == "" {
		return fc.DefaultListLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > fc.MaxListLimit {
		return 0, invalid("limit %q is invalid: it must be a whole number from 1 to %d", s, fc.MaxListLimit)
	}
	return n, nil
}

func checkName(kind, name string) error {
	if err := fc.ValidateName(kind, name); err != nil {
		return invalid("%v", err)
	}
	return nil
}

func checkDescription(subject string, d *string) error {
	if d != nil && len(*d) > fc.MaxDescriptionLength {
		return invalid("%s: description is %d bytes long, at most %d are allowed", subject, len(*d), fc.MaxDescriptionLength)
	}
	return nil
}

// checkFunctionInput checks the shape and limits of a function body;
// create additionally requires name, runtime, handler and code.
func checkFunctionInput(subject string, in *fc.FunctionInput, create bool) error {
	if create {
		if err := checkName("function", in.FunctionName); err != nil {
			return err
		}
		switch {
		case in.Runtime == nil:
			return invalid("%s: runtime is required", subject)
		case in.Handler == nil || *in.Handler == "":
			return invalid("%s: handler is required", subject)
		case in.Code == nil:
			return invalid("%s: code is required (code.zipFile, a base64 zip)", subject)
		}
	}
	if err := checkDescription(subject, in.Description); err != nil {
		return err
	}
	if in.Runtime != nil {
		if err := fc.ValidateRuntime(*in.Runtime); err != nil {
			return invalid("%s: %v", subject, err)
		}
	}
	if in.Handler != nil && *in.Handler == "" {
		return invalid("%s: handler must not be empty", subject)
	}
	if in.MemorySize != nil {
		if err := fc.ValidateMemorySize(int64(*in.MemorySize)); err != nil {
			return invalid("%s: %v", subject, err)
		}
	}
	if in.Timeout != nil {
		if err := fc.ValidateTimeout(int64(*in.Timeout)); err != nil {
			return invalid("%s: %v", subject, err)
		}
	}
	if v := in.InitializationTimeout; v != nil && (*v < fc.MinInitializationTimeout || *v > fc.MaxInitializationTimeout) {
		return invalid("%s: initializationTimeout %d is invalid: it must be between %d and %d seconds", subject, *v, fc.MinInitializationTimeout, fc.MaxInitializationTimeout)
	}
	if v := in.InstanceConcurrency; v != nil && (*v < fc.MinInstanceConcurrency || *v > fc.MaxInstanceConcurrency) {
		return invalid("%s: instanceConcurrency %d is invalid: it must be between %d and %d", subject, *v, fc.MinInstanceConcurrency, fc.MaxInstanceConcurrency)
	}
	if in.EnvironmentVariables != nil {
		if err := fc.ValidateEnvironmentVariables(in.EnvironmentVariables); err != nil {
			return invalid("%s: %v", subject, err)
		}
	}
	return nil
}

// decodeCode turns code.zipFile into the blob the store keeps. OSS code is
// refused: the local Function Compute has no OSS.
func decodeCode(subject string, code *fc.Code) (*store.CodeBlob, error) {
	if code == nil {
		return nil, nil
	}
	hasOSS := code.OSSBucketName != "" || code.OSSObjectName != ""
	switch {
	case hasOSS && code.ZipFile != "":
		return nil, invalid("%s: code must be exactly one of zipFile or ossBucketName+ossObjectName, not both", subject)
	case hasOSS:
		return nil, invalid("%s: code from OSS (%s/%s) cannot be used: the local Function Compute has no OSS; upload the zip inline as code.zipFile", subject, code.OSSBucketName, code.OSSObjectName)
	case code.ZipFile == "":
		return nil, invalid("%s: code.zipFile is empty; it must be a base64-encoded zip", subject)
	}
	if base64.StdEncoding.DecodedLen(len(code.ZipFile)) > fc.MaxZipSize+3 {
		return nil, fc.NewError(fc.CodeEntityTooLarge, "%s: code.zipFile decodes to more than %d bytes, the limit of inline code", subject, fc.MaxZipSize)
	}
	zipBytes, err := base64.StdEncoding.DecodeString(code.ZipFile)
	if err != nil {
		return nil, invalid("%s: code.zipFile is not valid base64: %v", subject, err)
	}
	if len(zipBytes) > fc.MaxZipSize {
		return nil, fc.NewError(fc.CodeEntityTooLarge, "%s: the code zip is %d bytes, at most %d are allowed inline", subject, len(zipBytes), fc.MaxZipSize)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		return nil, invalid("%s: code.zipFile is not a valid zip archive: %v", subject, err)
	}
	if err := checkCodeArchive(zr, runtime.DefaultMaxUnpackedBytes); err != nil {
		return nil, invalid("%s: code.zipFile cannot be run: %v", subject, err)
	}
	return &store.CodeBlob{Zip: zipBytes, Checksum: fc.CodeChecksum(zipBytes)}, nil
}

// checkTriggerConfig checks the config of timer and http triggers; other
// types are stored as given, as long as the config is a JSON object.
func checkTriggerConfig(subject, triggerType string, raw json.RawMessage) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return invalid("%s: triggerConfig must be a JSON object", subject)
	}
	switch triggerType {
	case "timer":
		var c struct {
			CronExpression *string `json:"cronExpression"`
			Enable         *bool   `json:"enable"`
			Payload        *string `json:"payload"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return invalid("%s: timer triggerConfig is invalid (cronExpression and payload are strings, enable is a boolean): %v", subject, err)
		}
		// enable may be absent: Function Compute reads that as a disabled timer.
		if c.CronExpression == nil {
			return invalid("%s: timer triggerConfig needs cronExpression", subject)
		}
		if err := checkCron(*c.CronExpression); err != nil {
			return invalid("%s: %v", subject, err)
		}
	case "http":
		var c struct {
			AuthType *string  `json:"authType"`
			Methods  []string `json:"methods"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return invalid("%s: http triggerConfig is invalid (authType is a string, methods a list of strings): %v", subject, err)
		}
		if c.AuthType == nil || (*c.AuthType != "anonymous" && *c.AuthType != "function") {
			return invalid("%s: http triggerConfig authType must be \"anonymous\" or \"function\"", subject)
		}
		if len(c.Methods) == 0 {
			return invalid("%s: http triggerConfig methods must list at least one of %v", subject, fc.HTTPMethods)
		}
		for _, m := range c.Methods {
			if !slices.Contains(fc.HTTPMethods, m) {
				return invalid("%s: http triggerConfig method %q is not one of %v", subject, m, fc.HTTPMethods)
			}
		}
	}
	return nil
}

// checkCron accepts what Function Compute accepts (fc.ParseCron).
func checkCron(expr string) error {
	if _, err := fc.ParseCron(expr); err != nil {
		return fmt.Errorf("cronExpression %w", err)
	}
	return nil
}
