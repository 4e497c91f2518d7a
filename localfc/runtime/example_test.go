package runtime_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
)

func ExamplePool_Invoke() {
	// The code of a function is a zip, as deployed.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("index.py")
	_, _ = w.Write([]byte("def handler(event, context):\n    print('got', event)\n    return b'hello ' + event\n"))
	_ = zw.Close()
	code := buf.Bytes()

	cache, _ := os.MkdirTemp("", "fc-code-")
	defer os.RemoveAll(cache)
	pool, err := runtime.NewPool(runtime.Config{CacheDir: cache})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()

	res, err := pool.Invoke(context.Background(), runtime.Request{
		AccountID: "111111", Service: "shop", Function: "hello",
		Runtime: "python3", Handler: "index.handler", Timeout: 3, MemorySize: 128,
		CodeChecksum: fc.CodeChecksum(code),
		CodeSHA256:   fmt.Sprintf("%x", sha256.Sum256(code)),
		Code:         func() ([]byte, error) { return code, nil },
		Event:        []byte("world"),
		RequestID:    "r-1",
		LogTail:      true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("body: %s\nerror type: %q\nlog: %s", res.Body, res.ErrorType, res.Log)
	// Output:
	// body: hello world
	// error type: ""
	// log: got b'world'
}
