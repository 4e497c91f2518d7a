package localfc

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTheRouteTableServesTheLayerConfigTagAndAccountOperations(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ method, path, op string }{
		{"POST", api + "/layers/deps/versions", "PublishLayerVersion"},
		{"GET", api + "/layers", "ListLayers"},
		{"GET", api + "/layers/deps/versions", "ListLayerVersions"},
		{"GET", api + "/layers/deps/versions/2", "GetLayerVersion"},
		{"DELETE", api + "/layers/deps/versions/2", "DeleteLayerVersion"},
		{"PUT", api + "/layers/deps/acl", "PutLayerACL"},
		{"GET", api + "/layerarn/acs:fc:local:1:layers/deps/versions/2", "GetLayerVersionByArn"},
		{"GET", api + "/layerarn/garbage", "GetLayerVersionByArn"},
		{"GET", api + "/code/layer/tok", "DownloadLayerCode"},
		{"PUT", api + "/services/s.live/functions/f/provision-config", "PutProvisionConfig"},
		{"GET", api + "/services/s.live/functions/f/provision-config", "GetProvisionConfig"},
		{"GET", api + "/provision-configs", "ListProvisionConfigs"},
		{"PUT", api + "/services/s.LATEST/functions/f/on-demand-config", "PutOnDemandConfig"},
		{"GET", api + "/services/s.LATEST/functions/f/on-demand-config", "GetOnDemandConfig"},
		{"DELETE", api + "/services/s.LATEST/functions/f/on-demand-config", "DeleteOnDemandConfig"},
		{"GET", api + "/on-demand-configs", "ListOnDemandConfigs"},
		{"POST", api + "/tag", "TagResource"},
		{"GET", api + "/tag", "GetResourceTags"},
		{"DELETE", api + "/tag", "UntagResource"},
		{"GET", api + "/account-settings", "GetAccountSettings"},
		{"GET", api + "/reservedCapacities", "ListReservedCapacities"},
		{"GET", api + "/accountConfigs", "GetAccountConfigs"},
		{"GET", api + "/tempBucketToken", "GetTempBucketToken"},
	} {
		rt, _, err := parseRequest(tt.method, tt.path)
		require.NoError(t, err, "%s %s", tt.method, tt.path)
		assert.Equal(t, tt.op, rt.op, "%s %s", tt.method, tt.path)
	}
}

// The wire quirks of reference section 12, each as its sender sends it.
func TestPublishLayerVersionToleratesTheSDKsBodies(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	zip := encodeZip(t, "x")
	// Go repeats layerName (another one: the path wins) and always sends
	// description, possibly ""; unset pointers are null.
	r := e.do("POST", api+"/layers/deps/versions", map[string]any{
		"layerName": "ignored", "description": "", "compatibleRuntime": nil, "code": map[string]any{"zipFile": zip},
	})
	require.Equal(t, 200, r.status, "%s", r.body)
	var l fc.Layer
	r.json(t, &l)
	assert.Equal(t, "deps", l.LayerName)
	assert.Equal(t, []string{}, l.CompatibleRuntime, "an empty list, not null")
	assert.NotEmpty(t, r.header.Get("ETag"))
	// Java's CreateLayerVersion sends the code under "Code".
	r = e.do("POST", api+"/layers/deps/versions", map[string]any{"Code": map[string]any{"zipFile": zip}, "Description": "java"})
	require.Equal(t, 200, r.status, "%s", r.body)
	r.json(t, &l)
	assert.Equal(t, int32(2), l.Version)
	assert.Equal(t, "java", l.Description)
}

func TestGetLayerVersionByArnAcceptsTheNodeSDKsEscapedSignedPath(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/layers/deps/versions", map[string]any{"code": map[string]any{"zipFile": encodeZip(t, "x")}})
	arn := fc.LayerVersionARN(DefaultRegion, testAccount, "deps", 1)
	// encodeURIComponent escapes ':' and '/'; fc2 signs the path as escaped.
	escaped := api + "/layerarn/" + strings.NewReplacer(":", "%3A", "/", "%2F").Replace(arn)
	r := e.do("GET", escaped, nil, func(req *http.Request) {
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		sts := fc.StringToSign("GET", req.URL.EscapedPath(), req.Header, nil)
		req.Header.Set("Authorization", "FC "+e.creds.AccessKeyID+":"+fc.Signature(e.creds.AccessKeySecret, sts))
	})
	require.Equal(t, 200, r.status, "%s", r.body)
	var l fc.Layer
	r.json(t, &l)
	assert.Equal(t, arn, l.ARN)

	r = e.do("GET", api+"/layerarn/garbage", nil)
	assert.Equal(t, 400, r.status)
	assert.Contains(t, string(r.body), "not of the form")
}

func TestListOnDemandConfigsTreatsTheGoSDKsEmptyParametersAsAbsent(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", functionBody(t, "f"))
	e.mustOK("PUT", api+"/services/s.LATEST/functions/f/on-demand-config", map[string]any{"maximumInstanceCount": 4})
	r := e.do("GET", api+"/on-demand-configs?prefix=&startKey=&nextToken=&limit=100", nil)
	require.Equal(t, 200, r.status, "%s", r.body)
	var out fc.ListOnDemandConfigsOutput
	r.json(t, &out)
	require.Len(t, out.Configs, 1)
	assert.Equal(t, int64(4), out.Configs[0].MaximumInstanceCount)
}

func TestUntagResourceReadsTheJSONBodyOfADelete(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/tag", map[string]any{"resourceArn": "services/s", "tags": map[string]string{"a": "1", "b": "2"}})
	r := e.do("DELETE", api+"/tag", map[string]any{"resourceArn": "acs:fc:cn-hangzhou:" + testAccount + ":services/s", "tagKeys": []string{"a"}})
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "requestId", "Python parses a JSON body")
	// Python sends Content-Type application/json and no body on GET.
	r = e.do("GET", api+"/tag?resourceArn=services/s", nil, func(req *http.Request) {
		req.Header.Set("Content-Type", "application/json")
	})
	require.Equal(t, 200, r.status, "%s", r.body)
	var tags fc.ResourceTags
	r.json(t, &tags)
	assert.Equal(t, map[string]string{"b": "2"}, tags.Tags)
}

func TestTheNewResourcesRefuseBadInputWithAClear400(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", functionBody(t, "f"))
	for _, tt := range []struct {
		name, method, path string
		body               any
		want               string
	}{
		{"a provision config without an alias", "PUT", "/services/s/functions/f/provision-config", map[string]any{"target": 1}, "qualifier is required"},
		{"a provision config of LATEST", "PUT", "/services/s.LATEST/functions/f/provision-config", map[string]any{"target": 1}, "must be an alias name"},
		{"a provision config of a version", "GET", "/services/s.1/functions/f/provision-config", nil, "must be an alias name"},
		{"a provision target out of range", "PUT", "/services/s.live/functions/f/provision-config", map[string]any{"target": 100001}, "between 0 and 100000"},
		{"a provision config without a target", "PUT", "/services/s.live/functions/f/provision-config", map[string]any{}, "target is required"},
		{"a qualifier filter without a service", "GET", "/provision-configs?qualifier=live", nil, "needs serviceName"},
		{"an on-demand config without a qualifier", "PUT", "/services/s/functions/f/on-demand-config", map[string]any{"maximumInstanceCount": 1}, "qualifier is required"},
		{"an on-demand count out of range", "PUT", "/services/s.LATEST/functions/f/on-demand-config", map[string]any{"maximumInstanceCount": -1}, "between 0 and 300"},
		{"tags without a resource", "POST", "/tag", map[string]any{"tags": map[string]string{"a": "b"}}, "resourceArn is required"},
		{"tags on a function", "POST", "/tag", map[string]any{"resourceArn": "services/s/functions/f", "tags": map[string]string{"a": "b"}}, "only services take tags"},
		{"no tags", "POST", "/tag", map[string]any{"resourceArn": "services/s", "tags": map[string]string{}}, "tags is empty"},
		{"an empty tag key", "POST", "/tag", map[string]any{"resourceArn": "services/s", "tags": map[string]string{"": "b"}}, "tag key is empty"},
		{"an untag naming nothing", "DELETE", "/tag", map[string]any{"resourceArn": "services/s"}, "set all to true"},
		{"a layer version that is no number", "GET", "/layers/deps/versions/x", nil, "whole number from 1"},
		{"a layer list starting at version 0", "GET", "/layers/deps/versions?startVersion=0", nil, "startVersion"},
		{"a layer ACL that is neither true nor false", "PUT", "/layers/deps/acl?public=yes", nil, "public=true or public=false"},
		{"a layer name with a dot", "POST", "/layers/a.b/versions", map[string]any{"code": map[string]any{"zipFile": encodeZip(t, "x")}}, "layer name"},
	} {
		r := e.do(tt.method, api+tt.path, tt.body)
		assert.Equal(t, 400, r.status, "%s: %s", tt.name, r.body)
		assert.Equal(t, fc.CodeInvalidArgument, r.errorCode(t), tt.name)
		assert.Contains(t, string(r.body), tt.want, tt.name)
	}
}

func TestTagsOfAnotherAccountsARNAreRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	r := e.do("POST", api+"/tag", map[string]any{"resourceArn": "acs:fc:local:999:services/s", "tags": map[string]string{"a": "b"}})
	assert.Equal(t, 403, r.status)
	assert.Equal(t, fc.CodeAccessDenied, r.errorCode(t))
}

func TestTheLayerCodeURLIsItsOwnCredentialAndNoFunctionCodeToken(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	r := e.mustOK("POST", api+"/layers/deps/versions", map[string]any{"code": map[string]any{"zipFile": encodeZip(t, "layer")}})
	var l fc.Layer
	r.json(t, &l)
	assert.Equal(t, fc.RepositoryTypeOSS, l.Code.RepositoryType)
	resp, err := http.Get(l.Code.Location)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, testZip(t, "layer"), data)

	token := l.Code.Location[strings.LastIndex(l.Code.Location, "/")+1:]
	r = e.do("GET", api+"/code/"+token, nil, unsigned)
	assert.Equal(t, 403, r.status, "a layer token does not download function code")
	r = e.do("GET", api+"/code/layer/"+token+"x", nil, unsigned)
	assert.Equal(t, 403, r.status, "a changed token is refused")

	e.clock.Store(time.Now().Add(codeURLTTL + time.Minute).UnixNano())
	resp, err = http.Get(l.Code.Location)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 403, resp.StatusCode, "the URL expires like GetFunctionCode's")
}

func TestAccountReadsAnswerWhatTheLocalFunctionComputeHas(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	r := e.mustOK("GET", api+"/account-settings", nil)
	var settings fc.AccountSettings
	r.json(t, &settings)
	assert.Equal(t, []string{"local-a"}, settings.AvailableAZs)
	r = e.mustOK("GET", api+"/reservedCapacities?limit=5", nil)
	assert.JSONEq(t, `{"reservedCapacities":[]}`, string(r.body))
	r = e.mustOK("GET", api+"/accountConfigs?config=CodeSizeLimit", nil)
	assert.JSONEq(t, `{"CodeSizeLimit":52428800}`, string(r.body))
	r = e.do("GET", api+"/tempBucketToken", nil)
	assert.Equal(t, 501, r.status)
	assert.Contains(t, string(r.body), "has no OSS")
}

func TestDeleteOnDemandConfigTakesPythonsEmptyJSONRequest(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", functionBody(t, "f"))
	e.mustOK("PUT", api+"/services/s.LATEST/functions/f/on-demand-config", map[string]any{"maximumInstanceCount": 1})
	// Python sends Content-Type application/json and Content-Length 0 on a DELETE without body.
	r := e.do("DELETE", api+"/services/s.LATEST/functions/f/on-demand-config", []byte{}, func(req *http.Request) {
		req.Header.Set("Content-Type", "application/json")
	})
	require.Equal(t, 204, r.status, "%s", r.body)
	r = e.do("GET", api+"/services/s.LATEST/functions/f/on-demand-config", nil)
	assert.Equal(t, 404, r.status)
	assert.Equal(t, fc.CodeOnDemandConfigNotFound, r.errorCode(t))
}
