package packager_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fcdeploy/fcdeploy/packager"
)

// A code directory becomes a deterministic zip: the same files give the same
// checksum on every machine, whatever their timestamps.
func ExamplePackager_PackageDir() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "index.py"), []byte("def handler(event, context):\n    return 'hello'\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, ".fcignore"), []byte("*.log\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "debug.log"), []byte("not shipped"), 0o644)

	p := packager.New(packager.Options{})
	a, err := p.PackageDir(context.Background(), dir, packager.DirOptions{Runtime: "python3", Handler: "index.handler"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("files:", a.Files)
	fmt.Println("checksum:", a.Checksum)
	// Output:
	// files: 1
	// checksum: 5392674701218444867
}
