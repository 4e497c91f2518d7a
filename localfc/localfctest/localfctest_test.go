package localfctest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

func TestStartServesSignedRequestsWithItsKeys(t *testing.T) {
	inst := localfctest.Start(t)
	req, err := http.NewRequest("GET", inst.URL+"/2016-08-15/services", nil)
	require.NoError(t, err)
	req.Header.Set(fc.HeaderAccountID, inst.AccountID)
	fc.SignRequest(req, inst.Credentials, time.Now())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, inst.URL)
}

func TestConfigPointsAClientAtTheInstance(t *testing.T) {
	inst := localfctest.Start(t)
	cfg := inst.Config()
	assert.Equal(t, inst.URL, cfg.Endpoint)
	assert.Equal(t, "1234567890", cfg.AccountID)
	assert.Equal(t, inst.Credentials, cfg.Credentials)
	client, err := fc.NewClient(cfg)
	require.NoError(t, err)
	svc, err := client.CreateService(context.Background(), fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)
	assert.NotEmpty(t, svc.ETag)
	_, err = client.GetService(context.Background(), "missing", "")
	assert.True(t, fc.IsCode(err, fc.CodeServiceNotFound), "got %v", err)
}
