package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/fcdeploy/fcdeploy/planner"
)

// The services a project directory created at a target, remembered under
// .fcdeploy/created/ before an apply creates them. FC creates a service and
// tags it as the project's in two requests; an apply killed between the two
// leaves the service untagged, which the next plan would otherwise take for
// someone else's service to adopt.

func createdFile(projectDir string, t planner.Target) string {
	sum := sha256.Sum256([]byte(t.Endpoint + "\n" + t.AccountID + "\n" + t.Region))
	return filepath.Join(projectDir, ".fcdeploy", "created", hex.EncodeToString(sum[:8])+".json")
}

// readCreated returns the services remembered for projectDir at t.
func readCreated(projectDir string, t planner.Target) map[string]bool {
	data, err := os.ReadFile(createdFile(projectDir, t))
	if err != nil {
		return nil
	}
	var names []string
	if json.Unmarshal(data, &names) != nil {
		return nil
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

// rememberCreated adds the services plan creates to what projectDir
// remembers for the plan's target, before anything is sent.
func rememberCreated(projectDir string, plan *planner.Plan) error {
	known := readCreated(projectDir, plan.Target)
	added := false
	for _, c := range plan.Changes {
		if c.Kind == planner.KindService && c.Action == planner.ActionCreate && !known[c.Service] {
			if known == nil {
				known = map[string]bool{}
			}
			known[c.Service] = true
			added = true
		}
	}
	if !added {
		return nil
	}
	path := createdFile(projectDir, plan.Target)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	var names []string
	for n := range known {
		names = append(names, n)
	}
	slices.Sort(names)
	data, _ := json.Marshal(names)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
