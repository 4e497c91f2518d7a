package fc

import (
	"fmt"
	"hash/crc64"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits of Function Compute, the one source of truth for the manifest
// schema, the packager and localfc's request validation.
const (
	MaxZipSize                 = 50 << 20 // inline code, bytes of zip
	MinMemorySize              = 128
	MaxMemorySize              = 3072
	MemorySizeStep             = 64
	DefaultMemorySize          = 128
	MinTimeout                 = 1
	MaxTimeout                 = 300
	DefaultTimeout             = 3
	MinInitializationTimeout   = 1
	MaxInitializationTimeout   = 300
	MinInstanceConcurrency     = 1
	MaxInstanceConcurrency     = 100
	MaxServiceNameLength       = 128
	MaxFunctionNameLength      = 64
	MaxTriggerNameLength       = 128
	MaxAliasNameLength         = 128
	DefaultListLimit           = 20
	MaxListLimit               = 100
	MaxRequestSkewMinutes      = 15
	MaxDescriptionLength       = 256
	MaxAdditionalVersionWeight = 1.0
	DefaultCAPort              = 9000 // custom runtimes and containers listen here
	// cpu is in vCPUs, a multiple of 0.05; the bounds are those of the
	// FC 2.0 console (the reference gives only the step).
	MinCPU  = 0.05
	MaxCPU  = 16
	CPUStep = 0.05
	// gpuMemorySize is in MB, a multiple of 1024; the largest is that of
	// the biggest GPU type (fc.gpu.ampere.1, 80 GB), not a documented bound.
	GPUMemorySizeStep = 1024
	MaxGPUMemorySize  = 80 * 1024
)

// Range is the allowed range of a numeric API field: Min to Max, a multiple
// of Step when Step is not 0; Unit is for messages ("seconds").
type Range struct {
	Min, Max, Step float64
	Unit           string
}

// Check says what is wrong with v, or nil when it is in range. The message
// starts with "must", to follow the field's path.
func (r Range) Check(v float64) error {
	// Steps like 0.05 are not exact in binary: compare the quotient with a
	// tolerance rather than the remainder with 0.
	q := v / r.Step
	if v >= r.Min && v <= r.Max && (r.Step == 0 || math.Abs(q-math.Round(q)) < 1e-9) {
		return nil
	}
	return fmt.Errorf("%s, not %s", r.Rule(), formatNumber(v))
}

// Rule is the range in words: "must be a multiple of 64 between 128 and 3072".
func (r Range) Rule() string {
	s := "must be between "
	if r.Step != 0 {
		s = "must be a multiple of " + formatNumber(r.Step) + " between "
	}
	s += formatNumber(r.Min) + " and " + formatNumber(r.Max)
	if r.Unit != "" {
		s += " " + r.Unit
	}
	return s
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Ranges are the numeric limits of the input fields, by resource kind
// ("service", "function", "trigger", "alias") and JSON path, "*" standing
// for a list item or map key. The manifest checks every decoded number
// against them and a schema test keeps the JSON Schema equal to them.
var Ranges = map[string]Range{
	"function.memorySize":              {Min: MinMemorySize, Max: MaxMemorySize, Step: MemorySizeStep},
	"function.timeout":                 {Min: MinTimeout, Max: MaxTimeout, Unit: "seconds"},
	"function.initializationTimeout":   {Min: MinInitializationTimeout, Max: MaxInitializationTimeout, Unit: "seconds"},
	"function.instanceConcurrency":     {Min: MinInstanceConcurrency, Max: MaxInstanceConcurrency},
	"service.nasConfig.userId":         {Min: -1, Max: 65535},
	"service.nasConfig.groupId":        {Min: -1, Max: 65535},
	"function.caPort":                  {Min: 1, Max: 65535},
	"function.cpu":                     {Min: MinCPU, Max: MaxCPU, Step: CPUStep},
	"function.gpuMemorySize":           {Min: GPUMemorySizeStep, Max: MaxGPUMemorySize, Step: GPUMemorySizeStep},
	"function.instanceSoftConcurrency": {Min: MinInstanceConcurrency, Max: MaxInstanceConcurrency},
}

// Enums are the values an input field may take, by the same keys as
// Ranges; numbers are written as text.
var Enums = map[string][]string{
	"function.instanceType":                           InstanceTypes,
	"function.diskSize":                               {"512", "10240"},
	"function.customContainerConfig.accelerationType": {"Default", "None"},
	"service.tracingConfig.type":                      {"Jaeger"},
}

// InstanceTypes are the values of a function's instanceType: e1 (elastic,
// the default), c1 (performance), the GPU types, and g1 (an old name of
// fc.gpu.tesla.1).
var InstanceTypes = []string{"e1", "c1", "fc.gpu.tesla.1", "fc.gpu.ampere.1", "fc.gpu.ada.1", "g1"}

// NamePattern is the shape of service, function, trigger and alias names.
const NamePattern = `^[A-Za-z_][A-Za-z0-9_-]*$`

var nameRE = regexp.MustCompile(NamePattern)

// Runtimes are the runtime identifiers Function Compute accepts.
// (FC 2.0: the union of the 2021-04-06 OpenAPI enum and the Serverless
// Devs list), each language oldest first.
var Runtimes = []string{
	"nodejs4.4", "nodejs6", "nodejs8", "nodejs10", "nodejs12", "nodejs14", "nodejs16", "nodejs18", "nodejs20",
	"python2.7", "python3", "python3.9", "python3.10",
	"java8", "java11", "php7.2", "dotnetcore2.1", "dotnetcore3.1", "go1",
	"custom", "custom.debian10", "custom-container",
}

// RuntimeCustomContainer runs a container image: its functions have no code.
const RuntimeCustomContainer = "custom-container"

// RuntimeLanguage splits a runtime identifier into its language and major
// version: nodejs18 is ("nodejs", 18), python3.10 ("python", 3), go1
// ("go", 1); custom.debian10 and custom-container are ("custom", -1).
func RuntimeLanguage(runtime string) (language string, major int) {
	i := 0
	for i < len(runtime) && runtime[i] >= 'a' && runtime[i] <= 'z' {
		i++
	}
	j := i
	for j < len(runtime) && runtime[j] >= '0' && runtime[j] <= '9' {
		j++
	}
	major, err := strconv.Atoi(runtime[i:j])
	if err != nil {
		major = -1
	}
	return runtime[:i], major
}

// RuntimesOf lists the runtimes of a language, oldest first.
func RuntimesOf(language string) []string {
	var out []string
	for _, r := range Runtimes {
		if l, _ := RuntimeLanguage(r); l == language {
			out = append(out, r)
		}
	}
	return out
}

// RuntimeCandidates are the runtimes a "did you mean" may propose for a
// mistyped one: every runtime but the older major versions of the language
// typed. Proposing nodejs8 for nodejs18 would be a silent downgrade.
func RuntimeCandidates(typed string) []string {
	lang, major := RuntimeLanguage(strings.ToLower(typed))
	var out []string
	for _, r := range Runtimes {
		if l, m := RuntimeLanguage(r); l == lang && major >= 0 && m < major {
			continue
		}
		out = append(out, r)
	}
	return out
}

// TriggerTypes are the trigger types Function Compute accepts.
var TriggerTypes = []string{"oss", "log", "timer", "http", "tablestore", "cdn_events", "mns_topic", "rds"}

// HTTPMethods are the methods an http trigger may list.
var HTTPMethods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}

// ValidateName checks a resource name; kind is "service", "function",
// "trigger" or "alias" and picks the length limit.
func ValidateName(kind, name string) error {
	maxLen := map[string]int{
		"service": MaxServiceNameLength, "function": MaxFunctionNameLength,
		"trigger": MaxTriggerNameLength, "alias": MaxAliasNameLength,
	}[kind]
	switch {
	case name == "":
		return fmt.Errorf("%s name is empty", kind)
	case maxLen > 0 && len(name) > maxLen:
		return fmt.Errorf("%s name %q is %d characters long, at most %d are allowed", kind, name, len(name), maxLen)
	case !nameRE.MatchString(name):
		return fmt.Errorf("%s name %q must start with a letter or _ and contain only letters, digits, _ and -", kind, name)
	case kind == "alias" && name == QualifierLatest:
		return fmt.Errorf("alias name %q is reserved", name)
	}
	return nil
}

// ValidateMemorySize checks memorySize in MB.
func ValidateMemorySize(mb int64) error {
	if mb < MinMemorySize || mb > MaxMemorySize || mb%MemorySizeStep != 0 {
		return fmt.Errorf("memorySize %d is invalid: it must be a multiple of %d between %d and %d", mb, MemorySizeStep, MinMemorySize, MaxMemorySize)
	}
	return nil
}

// ValidateTimeout checks a function timeout in seconds.
func ValidateTimeout(s int64) error {
	if s < MinTimeout || s > MaxTimeout {
		return fmt.Errorf("timeout %d is invalid: it must be between %d and %d seconds", s, MinTimeout, MaxTimeout)
	}
	return nil
}

// ValidateRuntime checks a runtime identifier.
func ValidateRuntime(r string) error {
	if !slices.Contains(Runtimes, r) {
		return fmt.Errorf("runtime %q is not supported; use one of %v", r, Runtimes)
	}
	return nil
}

// ValidateTriggerType checks a trigger type.
func ValidateTriggerType(t string) error {
	if !slices.Contains(TriggerTypes, t) {
		return fmt.Errorf("trigger type %q is not supported; use one of %v", t, TriggerTypes)
	}
	return nil
}

var crcTable = crc64.MakeTable(crc64.ECMA)

// CodeChecksum is the codeChecksum of a zip: CRC-64/XZ (ECMA-182 polynomial,
// as OSS computes it) of the raw bytes, as an unsigned decimal string.
func CodeChecksum(zip []byte) string {
	return strconv.FormatUint(crc64.Checksum(zip, crcTable), 10)
}

// NewChecksumHash returns a running CodeChecksum for streamed bytes; format
// its Sum64 with strconv.FormatUint(h.Sum64(), 10).
func NewChecksumHash() interface {
	Write([]byte) (int, error)
	Sum64() uint64
} {
	return crc64.New(crcTable)
}
