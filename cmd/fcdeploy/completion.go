package main

import (
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// Dynamic shell completion: cobra's `fcdeploy completion SHELL` scripts
// call back into the binary, which answers from the manifest. Completion
// must never fail loudly, so every problem just means no suggestions.

// fixedCompletions completes a flag from a fixed list of values.
func fixedCompletions(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// manifestNames are the names a manifest declares, read leniently: no
// validation, no interpolation, so a half-written manifest still completes.
type manifestNames struct {
	Environments map[string]yaml.Node `yaml:"environments"`
	Services     map[string]struct {
		Functions map[string]yaml.Node `yaml:"functions"`
		Aliases   map[string]yaml.Node `yaml:"aliases"`
	} `yaml:"services"`
}

// readManifestNames reads the manifest the command would use: -f FILE, the
// DIR argument, or the current directory.
func readManifestNames(cmd *cobra.Command, args []string) *manifestNames {
	file, _ := cmd.Flags().GetString("file")
	dir := ""
	if len(args) > 0 && cmd.Name() != "invoke" && cmd.Name() != "logs" && cmd.Name() != "rollout" && cmd.Name() != "rollback" {
		dir = args[0]
	}
	path, err := resolveManifestPath(dir, file)
	if err != nil {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var m manifestNames
	if yaml.Unmarshal(data, &m) != nil {
		return nil
	}
	return &m
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// completeEnvironments completes --env, --from and --to.
func completeEnvironments(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	m := readManifestNames(cmd, args)
	if m == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return sortedKeys(m.Environments), cobra.ShellCompDirectiveNoFileComp
}

// completeFunctionRef completes SERVICE[.QUALIFIER]/FUNCTION: services
// first (with their aliases as qualifiers), then the functions of the
// service typed.
func completeFunctionRef(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	m := readManifestNames(cmd, nil)
	if m == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	if svc, _, ok := strings.Cut(toComplete, "/"); ok {
		name, _, _ := strings.Cut(svc, ".")
		for _, f := range sortedKeys(m.Services[name].Functions) {
			out = append(out, svc+"/"+f)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	for _, s := range sortedKeys(m.Services) {
		out = append(out, s+"/")
		for _, a := range sortedKeys(m.Services[s].Aliases) {
			out = append(out, s+"."+a+"/")
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeAliasRef completes SERVICE/ALIAS.
func completeAliasRef(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	m := readManifestNames(cmd, nil)
	if m == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, s := range sortedKeys(m.Services) {
		for _, a := range sortedKeys(m.Services[s].Aliases) {
			out = append(out, s+"/"+a)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// formatsOf are the --format values of the verbs that do not say so
// themselves (their own files register nothing).
var formatsOf = map[string][]string{
	"validate": {"text", "json"},
	"plan":     {"text", "json", "markdown"},
	"show":     {"text", "json", "markdown"},
	"promote":  {"text", "json", "markdown"},
	"logs":     {"text", "json"},
}

// registerCompletions walks the command tree once the verbs are added and
// completes --env, --from, --to and --format wherever a verb has them and
// has not registered a completion itself.
func registerCompletions(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		for _, name := range []string{"env", "from", "to"} {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); !ok {
				_ = c.RegisterFlagCompletionFunc(name, completeEnvironments)
			}
		}
		if c.Flags().Lookup("format") != nil {
			if _, ok := c.GetFlagCompletionFunc("format"); !ok {
				if formats, ok := formatsOf[c.Name()]; ok {
					_ = c.RegisterFlagCompletionFunc("format", fixedCompletions(formats...))
				}
			}
		}
		registerCompletions(c)
	}
}
