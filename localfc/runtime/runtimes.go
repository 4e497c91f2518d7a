package runtime

import (
	"regexp"
	"strings"
)

// Languages a runtime maps to: a worker of ours (python, node) or the
// custom runtime contract (custom: the code is an HTTP server).
const (
	langPython = "python"
	langNode   = "node"
	langCustom = "custom"
)

var (
	python3Runtime = regexp.MustCompile(`^python3(\.[0-9]+)?$`)
	nodeRuntime    = regexp.MustCompile(`^nodejs[0-9]+(\.[0-9]+)?$`)
)

// cannotRun completes "the local Function Compute cannot run ..." for the
// runtimes the platform has and we do not.
const cannotRunSuffix = "; deploy and configuration work, invoke does not"

// language maps a runtime to what runs it. Every python3.x runs on the
// machine's python3 and every nodejsN on its node: the local Function
// Compute checks behaviour, not interpreter versions.
func language(rt string) (string, error) {
	switch {
	case python3Runtime.MatchString(rt):
		return langPython, nil
	case nodeRuntime.MatchString(rt):
		return langNode, nil
	case rt == "custom" || rt == "custom.debian10" || rt == "go1":
		return langCustom, nil
	}
	reason := ""
	switch {
	case strings.HasPrefix(rt, "java"):
		reason = "the local Function Compute cannot run Java functions (no JVM worker)"
	case strings.HasPrefix(rt, "php"):
		reason = "the local Function Compute cannot run PHP functions (no PHP worker)"
	case strings.HasPrefix(rt, "dotnetcore"):
		reason = "the local Function Compute cannot run .NET functions (no .NET worker)"
	case rt == "custom-container":
		reason = "the local Function Compute cannot run container images (no container engine)"
	case strings.HasPrefix(rt, "python2"):
		reason = "the local Function Compute cannot run Python 2 functions (no Python 2 worker)"
	default:
		return "", &UnsupportedRuntimeError{Runtime: rt, Reason: "not a runtime the local Function Compute knows; it runs python3.x, nodejsN, custom, custom.debian10 and go1"}
	}
	return "", &UnsupportedRuntimeError{Runtime: rt, Reason: reason + cannotRunSuffix}
}
