package manifest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const buildBase = `project: demo
services:
  svc:
    functions:
      fn:
        runtime: python3
        handler: index.handler
        code: ./src
`

func TestTheBuildBlockDecodesEachOfItsForms(t *testing.T) {
	for _, tc := range []struct {
		name, block string
		want        *Build
	}{
		{"absent means no build", "", nil},
		{"false means no build", "        build: false\n", nil},
		{"auto picks the recipe later", "        build: auto\n", &Build{}},
		{"true is auto", "        build: true\n", &Build{}},
		{"an empty mapping is auto", "        build: {}\n", &Build{}},
		{"python options pass through", "        build:\n          recipe: python\n          options: {findLinks: [./wheels, 'https://example.com/simple'], indexUrl: 'https://pypi.example/simple', noIndex: true}\n",
			&Build{Recipe: "python", FindLinks: []string{"WHEELS", "https://example.com/simple"}, IndexURL: "https://pypi.example/simple", NoIndex: true}},
		{"a command with inputs and output", "        build: {recipe: command, command: make dist, inputs: ['src/**', Makefile], output: dist}\n",
			&Build{Recipe: "command", Command: "make dist", Inputs: []string{"src/**", "Makefile"}, Output: "dist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := load(t, buildBase+tc.block, LoadOptions{})
			got := p.Services[0].Functions[0].Build
			if tc.want == nil {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			got.Pos = Pos{}
			for i, l := range tc.want.FindLinks {
				if l == "WHEELS" {
					tc.want.FindLinks[i] = filepath.Join(p.Dir, "wheels")
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestBuildBlockProblemsAreReportedWithTheirPositions(t *testing.T) {
	for _, tc := range []struct {
		name, block string
		want        []string
	}{
		{"a misspelled recipe", "        build: {recipe: nodjs}\n", []string{
			`fcdeploy.yaml:9:25: services.svc.functions.fn.build.recipe: "nodjs" is not a build recipe; did you mean "nodejs"?`}},
		{"an unknown field", "        build: {recipes: go}\n", []string{
			`fcdeploy.yaml:9:17: services.svc.functions.fn.build.recipes: unknown field "recipes"; did you mean "recipe"?`}},
		{"a command without its output", "        build: {recipe: command, command: make}\n", []string{
			"fcdeploy.yaml:9:16: services.svc.functions.fn.build: recipe command needs `output:`, the directory (relative to the code directory) the command leaves"}},
		{"an output outside the code directory", "        build: {recipe: command, command: make, output: ../dist}\n", []string{
			`fcdeploy.yaml:9:57: services.svc.functions.fn.build.output: "../dist" must be a directory inside the code directory, relative to it`}},
		{"a command for another recipe", "        build: {recipe: python, command: make}\n", []string{
			"fcdeploy.yaml:9:42: services.svc.functions.fn.build.command: is only used by recipe: command; add recipe: command or remove command"}},
		{"an option of another recipe", "        build: {recipe: python, options: {goPackage: ./cmd/x}}\n", []string{
			"fcdeploy.yaml:9:43: services.svc.functions.fn.build.options.goPackage: is an option of the go recipe, not of python"}},
		{"a scalar that is not auto", "        build: always\n", []string{
			`fcdeploy.yaml:9:16: services.svc.functions.fn.build: must be "auto", true, false or a mapping with recipe, command, inputs, output, options; not "always"`}},
		{"a build of an OSS object", "        build: auto\n", []string{
			"fcdeploy.yaml:9:16: services.svc.functions.fn.build: builds need `code` to be a directory; a .zip/.jar file or oss:// object is shipped as it is: remove build:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yaml := buildBase + tc.block
			if strings.Contains(tc.name, "OSS") {
				yaml = strings.Replace(yaml, "./src", "oss://bucket/code.zip", 1)
			}
			assert.Equal(t, tc.want, diagnostics(t, yaml, LoadOptions{}))
		})
	}
}
