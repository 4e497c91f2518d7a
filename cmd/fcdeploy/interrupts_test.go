package main

import (
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheCommandThatContinuesIsTheOneRunQuotedForAShell(t *testing.T) {
	root := &cobra.Command{Use: "fcdeploy"}
	root.PersistentFlags().Duration("retry-for", 0, "")
	var got string
	apply := &cobra.Command{Use: "apply", RunE: func(cmd *cobra.Command, args []string) error {
		got = commandLine(cmd, cmd.Flags().Args())
		return nil
	}}
	apply.Flags().Bool("yes", false, "")
	apply.Flags().String("env", "", "")
	apply.Flags().StringSlice("target", nil, "")
	root.AddCommand(apply)
	root.SetArgs([]string{"apply", "my project", "--env", "it's", "--yes", "--target", "a,b", "--retry-for", "1m"})
	require.NoError(t, root.Execute())
	assert.Equal(t, `fcdeploy apply --env 'it'\''s' --retry-for 1m0s --target a --target b --yes 'my project'`, got)
}

func TestShellQuoteLeavesPlainWordsAlone(t *testing.T) {
	for in, want := range map[string]string{
		"shop/live":           "shop/live",
		"http://127.0.0.1:80": "http://127.0.0.1:80",
		"":                    "''",
		"a b":                 "'a b'",
		"$HOME":               "'$HOME'",
	} {
		assert.Equal(t, want, shellQuote(in), in)
	}
}
