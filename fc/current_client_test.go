package fc

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The requests of the operations added since 2018, as they leave the client.
func TestTheNewOperationsSendTheRequestsTheReferenceDescribes(t *testing.T) {
	t.Parallel()
	type sent struct {
		method, path, query, body, ifMatch string
	}
	var got sent
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		got = sent{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(must(io.ReadAll(r.Body))), r.Header.Get("If-Match")}
		assertSigned(t, r)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	}, nil)
	ctx := context.Background()
	desc := "d"
	for _, tc := range []struct {
		name string
		call func() error
		want sent
	}{
		{"PublishLayerVersion repeats the layer name in the body, as Go does", func() error {
			_, err := c.PublishLayerVersion(ctx, "deps", PublishLayerVersionInput{LayerName: "other", Code: &Code{ZipFile: "UEs="}, CompatibleRuntime: []string{"python3"}, Description: &desc})
			return err
		}, sent{method: "POST", path: "/2016-08-15/layers/deps/versions", body: `{"layerName":"deps","code":{"zipFile":"UEs="},"compatibleRuntime":["python3"],"description":"d"}`}},
		{"GetLayerVersionByArn escapes the ARN as one segment, as encodeURIComponent does", func() error {
			_, err := c.GetLayerVersionByArn(ctx, "acs:fc:cn-hangzhou:123:layers/deps/versions/2")
			return err
		}, sent{method: "GET", path: "/2016-08-15/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fdeps%2Fversions%2F2"}},
		{"ListLayerVersions always sends a start version", func() error {
			_, err := c.ListLayerVersions(ctx, "deps", ListLayerVersionsOptions{Limit: 5})
			return err
		}, sent{method: "GET", path: "/2016-08-15/layers/deps/versions", query: "limit=5&startVersion=1"}},
		{"ListLayers sends public only when asked", func() error {
			_, err := c.ListLayers(ctx, ListLayersOptions{Public: true})
			return err
		}, sent{method: "GET", path: "/2016-08-15/layers", query: "public=true"}},
		{"DeleteLayerVersion", func() error { return c.DeleteLayerVersion(ctx, "deps", 3) },
			sent{method: "DELETE", path: "/2016-08-15/layers/deps/versions/3"}},
		{"PutProvisionConfig qualifies the service with the alias and guards with If-Match", func() error {
			_, err := c.PutProvisionConfig(ctx, "s", "live", "f", ProvisionConfigInput{Target: 0}, `"e"`)
			return err
		}, sent{method: "PUT", path: "/2016-08-15/services/s.live/functions/f/provision-config", body: `{"target":0}`, ifMatch: `"e"`}},
		{"ListProvisionConfigs filters by service and alias", func() error {
			_, err := c.ListProvisionConfigs(ctx, ListProvisionConfigsOptions{ServiceName: "s", Qualifier: "live"})
			return err
		}, sent{method: "GET", path: "/2016-08-15/provision-configs", query: "qualifier=live&serviceName=s"}},
		{"DeleteOnDemandConfig guards with If-Match", func() error { return c.DeleteOnDemandConfig(ctx, "s", "LATEST", "f", `"e"`) },
			sent{method: "DELETE", path: "/2016-08-15/services/s.LATEST/functions/f/on-demand-config", ifMatch: `"e"`}},
		{"UntagResource is a DELETE with a JSON body", func() error {
			return c.UntagResource(ctx, UntagResourceInput{ResourceARN: "services/s", All: true})
		}, sent{method: "DELETE", path: "/2016-08-15/tag", body: `{"resourceArn":"services/s","tagKeys":[],"all":true}`}},
		{"GetResourceTags names the resource in the query", func() error {
			_, err := c.GetResourceTags(ctx, "services/s")
			return err
		}, sent{method: "GET", path: "/2016-08-15/tag", query: "resourceArn=services%2Fs"}},
		{"ListServicesByTags sends tag_ parameters", func() error {
			_, err := c.ListServicesByTags(ctx, ListOptions{}, map[string]string{"fcdeploy:project": "shop"})
			return err
		}, sent{method: "GET", path: "/2016-08-15/services", query: "tag_fcdeploy%3Aproject=shop"}},
		{"GetAccountSettings", func() error { _, err := c.GetAccountSettings(ctx); return err },
			sent{method: "GET", path: "/2016-08-15/account-settings"}},
	} {
		got = sent{}
		require.NoError(t, tc.call(), tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
}

func TestTempCredentialsNeverPrintTheirSecrets(t *testing.T) {
	c := TempCredentials{AccessKeyID: "id", AccessKeySecret: "very-secret", SecurityToken: "token-secret"}
	for _, s := range []string{c.String(), c.GoString()} {
		assert.NotContains(t, s, "very-secret")
		assert.NotContains(t, s, "token-secret")
	}
}
