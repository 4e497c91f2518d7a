package localfc_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// ExampleNew serves a store over HTTP and creates a service with a request
// signed like any Function Compute SDK signs it.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "localfc-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, localfc.StoreFileName))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	creds := fc.Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}
	srv := httptest.NewServer(localfc.New(localfc.Config{
		Store:       st,
		Credentials: map[string]string{creds.AccessKeyID: creds.AccessKeySecret},
	}))
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/2016-08-15/services", strings.NewReader(`{"serviceName":"shop"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(fc.HeaderAccountID, localfc.DefaultAccountID)
	fc.SignRequest(req, creds, time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("ETag") != "")
	// Output: 200 true
}
