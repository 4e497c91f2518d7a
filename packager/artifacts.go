package packager

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ArtifactsFormatVersion is the format_version of artifacts.json.
const ArtifactsFormatVersion = "1"

// ArtifactsFile is the record's file name inside the --out directory.
const ArtifactsFile = "artifacts.json"

// Artifacts is artifacts.json: what `fcdeploy package` built, read back by
// promotion to deploy the very same bytes elsewhere.
type Artifacts struct {
	FormatVersion string           `json:"format_version"`
	Project       string           `json:"project"`
	Artifacts     []ArtifactRecord `json:"artifacts"`
}

// ArtifactRecord is one function's code.
type ArtifactRecord struct {
	Service  string `json:"service"`
	Function string `json:"function"`
	// File is the zip, slash-separated and relative to artifacts.json's
	// directory; "" for code that lives in OSS.
	File     string `json:"file"`
	Checksum string `json:"checksum"`
	Size     int64  `json:"size"`
	// Source is where the code came from: a directory or file relative to
	// the manifest, or oss://bucket/object.
	Source string `json:"source"`
	// Build says how the zip's directory was built from Source; nil when
	// the code was packaged as it is.
	Build *BuildRecord `json:"build,omitempty"`
}

// BuildRecord is the build a function's zip came from: enough to tell
// whether two zips were built from the same inputs with the same tools.
type BuildRecord struct {
	Recipe string `json:"recipe"`
	// InputsHash is the hash of everything the build read (its cache key).
	InputsHash string `json:"inputs_hash"`
	// Toolchain maps each tool the recipe ran to its version.
	Toolchain map[string]string `json:"toolchain,omitempty"`
}

// WriteArtifacts writes a to path atomically, records sorted by service
// then function.
func WriteArtifacts(path string, a Artifacts) error {
	if a.FormatVersion == "" {
		a.FormatVersion = ArtifactsFormatVersion
	}
	a.Artifacts = slices.Clone(a.Artifacts)
	sortRecords(a.Artifacts)
	if a.Artifacts == nil {
		a.Artifacts = []ArtifactRecord{}
	}
	data, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return fmt.Errorf("artifacts %s: %w", path, err)
	}
	data = append(data, '\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("artifacts %s: %w", path, err)
	}
	if err := writeAtomic(path, data); err != nil {
		return fmt.Errorf("artifacts %s: %w", path, err)
	}
	return nil
}

// ReadArtifacts reads an artifacts.json, refusing format versions it does
// not know.
func ReadArtifacts(path string) (*Artifacts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("artifacts %s: %w", path, err)
	}
	var a Artifacts
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("artifacts %s: not valid JSON: %w", path, err)
	}
	if a.FormatVersion != ArtifactsFormatVersion {
		return nil, fmt.Errorf("artifacts %s: format_version %q is not supported (this fcdeploy reads %q); re-run `fcdeploy package`", path, a.FormatVersion, ArtifactsFormatVersion)
	}
	sortRecords(a.Artifacts)
	return &a, nil
}

// Find returns the record of service/function, or nil.
func (a *Artifacts) Find(service, function string) *ArtifactRecord {
	for i := range a.Artifacts {
		if a.Artifacts[i].Service == service && a.Artifacts[i].Function == function {
			return &a.Artifacts[i]
		}
	}
	return nil
}

func sortRecords(rs []ArtifactRecord) {
	slices.SortFunc(rs, func(x, y ArtifactRecord) int {
		if c := strings.Compare(x.Service, y.Service); c != 0 {
			return c
		}
		return strings.Compare(x.Function, y.Function)
	})
}
