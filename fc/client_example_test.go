package fc_test

import (
	"context"
	"fmt"
	"os"

	"github.com/fcdeploy/fcdeploy/fc"
)

// A client for a local Function Compute reads one function.
func ExampleNewClient() {
	client, err := fc.NewClient(fc.Config{
		Endpoint:  "http://127.0.0.1:9000",
		AccountID: "123456789",
		Region:    "cn-hangzhou",
		Credentials: fc.Credentials{
			AccessKeyID:     os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
			AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	f, err := client.GetFunction(context.Background(), "shop", "", "checkout")
	if fc.IsNotFound(err) {
		fmt.Println("not deployed yet")
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Println(f.FunctionName, f.Runtime, f.ETag)
}
