package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/sdevs_fields.yaml uses every service, function and trigger field
// the converter treats specially, each the way it converts and the way it
// does not; sdevs_fields.want.yaml is the manifest it gives (after the
// project line, which is the directory's name).
func TestServerlessDevsFieldsConvertOrAreReportedWithTheirLine(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "sdevs_fields.yaml"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("testdata", "sdevs_fields.want.yaml"))
	require.NoError(t, err)
	dir := writeFiles(t, map[string]string{"code/index.py": "x", "s.yaml": string(src)})
	res, err := Convert(filepath.Join(dir, "s.yaml"), Options{})
	require.NoError(t, err)

	got := string(res.Files[res.Manifest])
	_, got, _ = strings.Cut(got, "\nenvironments:")
	assert.Equal(t, string(want), "environments:"+got)

	var report []string
	for _, f := range res.Report {
		report = append(report, fmt.Sprintf("%d: %s", f.Line, f.What))
	}
	assert.Equal(t, []string{
		"9: services.api.props.service.role is a role to create",
		"10: services.api.props.service.logConfig.extra",
		"11: services.api.props.service.vpcConfig.zone",
		"12: services.api.props.service.nasConfig.mountPoints entry without serverAddr, nasDir and fcDir",
		"12: services.api.props.service.nasConfig.mountPoints entry without serverAddr, nasDir and fcDir",
		"19: services.api.props.service.tracingConfig",
		"20: services.api.props.service.unknownThing",
		"27: services.api.props.function.unknownFn",
		"29: services.api.props.triggers: a trigger without name or type",
		"30: services.api.props.triggers.q: trigger type mns_queue",
		"31: services.api.props.triggers.up: sourceArn built from bucketName",
		"32: services.api.props.triggers.topic: no sourceArn",
		"37: services.other.props.service.logConfig: auto",
		"37: services.other.props.service.vpcConfig: auto",
		"38: services.other.props.function.codeUri is not a path",
		"44: services.third.props.function.codeUri ./missing does not exist",
		"1: access default of environment default",
	}, report)
	assert.Equal(t, 3, res.Services)
	assert.Equal(t, 2, res.Triggers)
}

// testdata/funcraft_fields.yml does the same for a Funcraft template:
// parameters with and without a default, references in each of their
// forms, Globals, roles, NAS and log configs, and each event type whose
// properties are read one by one.
func TestFuncraftFieldsConvertOrAreReportedWithTheirLine(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "funcraft_fields.yml"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("testdata", "funcraft_fields.want.yaml"))
	require.NoError(t, err)
	dir := writeFiles(t, map[string]string{"code/index.py": "x", "php/index.php": "x", "template.yml": string(src)})
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)

	_, got, _ := strings.Cut(string(res.Files[res.Manifest]), "\nvars:")
	assert.Equal(t, string(want), "vars:"+got)
	var report []string
	for _, f := range res.Report {
		report = append(report, fmt.Sprintf("%d: %s", f.Line, f.What))
	}
	assert.Equal(t, []string{
		"14: service svc: Role my-role is not an ARN",
		"15: service svc: NasConfig: Auto",
		"24: function svc/fn.Description: ${Stage}-fn in ${ALIYUN::Region}",
		"38: trigger svc/fn/up: no InvocationRole",
		"41: trigger svc/fn/down: no InvocationRole",
		"46: service svc2.Role: reference to RoleArn",
		"47: service svc2: NasConfig: Auto",
		"51: resource notype has no Type",
	}, report)
	ignore := string(res.Files[filepath.Join(dir, "php", ".fcignore")])
	// Funcraft's own patterns are relative to the template's directory:
	// those with a slash (.fun/python) do not reach a code directory below it.
	assert.True(t, strings.HasSuffix(ignore, "\n.nas.yml\nnode_modules\n"), "php7.2 code leaves out node_modules:\n%s", ignore)
}
