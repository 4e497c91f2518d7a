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
