package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// unknown stands for build facts the binary does not carry (a test binary,
// or a build with -buildvcs=false): said as it is, never made up.
const unknown = "(unknown)"

// buildVersion is what `fcdeploy version` reports, from the build info the
// Go toolchain embeds.
type buildVersion struct {
	Version  string `json:"version"`
	Revision string `json:"revision"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Ref is the git ref the binary was built from when it says so itself
	// (see buildRef).
	Ref string `json:"ref,omitempty"`
	Go  string `json:"go"`
}

// buildRef is set with -ldflags "-X main.buildRef=REF" by builds from a
// tree without VCS metadata: the GitHub Action builds from a download of
// its ref, which has no .git.
var buildRef string

func readBuildVersion() buildVersion {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = &debug.BuildInfo{}
	}
	v := versionFrom(info)
	if buildRef != "" {
		v.Ref = buildRef
	}
	return v
}

// versionFrom reads the module version, VCS revision and Go version.
// "go install ...@v1.2.0" sets the module version; a build inside a
// checkout sets the vcs.* settings instead.
func versionFrom(info *debug.BuildInfo) buildVersion {
	v := buildVersion{Version: info.Main.Version, Revision: unknown, Go: info.GoVersion}
	if v.Version == "" {
		v.Version = unknown
	}
	if v.Go == "" {
		v.Go = unknown
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	// A module version like v0.0.0-20261129120000-abcdef123456 carries
	// the revision even without vcs.* settings.
	if v.Revision == unknown {
		if parts := strings.Split(v.Version, "-"); len(parts) >= 3 && len(parts[len(parts)-1]) == 12 {
			v.Revision = strings.TrimSuffix(parts[len(parts)-1], "+dirty")
		}
	}
	return v
}

func (v buildVersion) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fcdeploy %s\n", v.Version)
	rev := v.Revision
	if v.Modified {
		rev += " (with uncommitted changes)"
	}
	if v.Time != "" {
		rev += ", committed " + v.Time
	}
	fmt.Fprintf(&b, "revision: %s\n", rev)
	if v.Ref != "" {
		fmt.Fprintf(&b, "ref: %s\n", v.Ref)
	}
	fmt.Fprintf(&b, "go: %s\n", v.Go)
	return b.String()
}

func newVersionCmd(streams *IOStreams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the fcdeploy version, VCS revision and Go version",
		Long: `Print the module version (set by "go install ...@VERSION"; "(devel)" for a build
from a checkout), the VCS revision it was built from and the Go version. Facts the
binary does not carry are printed as "(unknown)". --format json prints one object.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := readBuildVersion()
			switch format {
			case "text":
				_, err := fmt.Fprint(streams.Out, v.String())
				return err
			case "json":
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			return fmt.Errorf("--format %q is not supported; use text or json", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}
