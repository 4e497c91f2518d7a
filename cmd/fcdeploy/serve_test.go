package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// syncBuffer is a bytes.Buffer that the server's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// deployTriggers puts a function with an HTTP and a timer trigger into
// the data directory, through the embedded local Function Compute.
func deployTriggers(t *testing.T, dataDir string) {
	t.Helper()
	ctx := context.Background()
	lt, err := localfc.Connect(ctx, dataDir)
	require.NoError(t, err)
	defer lt.Close()
	c, err := fc.NewClient(fc.Config{Endpoint: lt.Endpoint, AccountID: lt.AccountID, Region: lt.Region, Credentials: lt.Credentials})
	require.NoError(t, err)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("index.py")
	w.Write([]byte("def handler(e, c):\n    return 'ok'\n"))
	require.NoError(t, zw.Close())
	_, err = c.CreateService(ctx, fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)
	rt, h := "python3", "index.handler"
	_, err = c.CreateFunction(ctx, "shop", fc.FunctionInput{FunctionName: "web", Runtime: &rt, Handler: &h, Code: &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(zb.Bytes())}})
	require.NoError(t, err)
	httpCfg, _ := json.Marshal(fc.HTTPTriggerConfig{AuthType: "anonymous", Methods: []string{"GET", "POST"}})
	_, err = c.CreateTrigger(ctx, "shop", "web", fc.TriggerInput{TriggerName: "http", TriggerType: "http", TriggerConfig: httpCfg})
	require.NoError(t, err)
	timerCfg, _ := json.Marshal(fc.TimerTriggerConfig{CronExpression: "0 0 2 * * *", Enable: true})
	_, err = c.CreateTrigger(ctx, "shop", "web", fc.TriggerInput{TriggerName: "nightly", TriggerType: "timer", TriggerConfig: timerCfg})
	require.NoError(t, err)
}

func TestServeSaysWhereTriggersAnswerLetsTheCLIProbeQuietlyAndSaysWhenStopped(t *testing.T) {
	dataDir := t.TempDir()
	deployTriggers(t, dataDir)

	out, errOut := &syncBuffer{}, &syncBuffer{}
	streams := &IOStreams{In: bytes.NewReader(nil), Out: out, ErrOut: errOut}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, &serveOptions{addr: "127.0.0.1:0", dataDir: dataDir, ready: func(url string) { ready <- url }}, streams)
	}()
	var url string
	select {
	case url = <-ready:
	case err := <-done:
		t.Fatalf("serve ended before it was ready: %v", err)
	}

	// Another command on this data directory finds the server by probing it.
	lt, err := localfc.Connect(ctx, dataDir)
	require.NoError(t, err)
	assert.False(t, lt.Embedded, "the running serve is used")
	assert.Equal(t, url, lt.Endpoint)
	require.NoError(t, lt.Close())

	cancel()
	require.NoError(t, <-done)

	assert.Contains(t, out.String(), url+"/2016-08-15/proxy/shop/web/  shop/web/http (GET, POST)")
	assert.Contains(t, out.String(), `shop/web/nightly  "0 0 2 * * *" -> shop/web`)
	assert.Contains(t, out.String(), "fcdeploy serve: stopped")
	assert.Contains(t, errOut.String(), "status=200", "the probe is logged as the request it is")
	assert.NotContains(t, errOut.String(), "status=403", "the CLI's probe is not a refused request")
}

func TestTriggersOfQualifiersAndOtherAccountsSayHowToReachThem(t *testing.T) {
	cfg, _ := json.Marshal(fc.HTTPTriggerConfig{AuthType: "function", Methods: []string{"GET"}})
	d := describeTriggers([]store.TriggerRef{{
		AccountID: "111111", ServiceName: "shop", FunctionName: "api",
		Trigger: fc.Trigger{TriggerName: "web", TriggerType: "http", Qualifier: "live", TriggerConfig: cfg},
	}}, "http://127.0.0.1:9000", localfc.DefaultAccountID)
	require.Len(t, d.HTTP, 1)
	assert.Equal(t, "http://127.0.0.1:9000/2016-08-15/proxy/shop.live/api/  account 111111: shop/api/web (GET; signed requests only (authType function); send x-fc-account-id: 111111)", d.HTTP[0])
}
