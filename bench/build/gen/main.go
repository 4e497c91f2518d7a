// Command gen writes the build benchmark's project: N nodejs functions, each
// in its own code directory with the same package.json and package-lock.json
// (three small dependencies shipped as tarballs inside the directory, so
// `npm ci` needs no registry) and its own index.js.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
)

var deps = []string{"alpha", "beta", "gamma"}

func main() {
	dir := flag.String("dir", "", "project directory to create")
	n := flag.Int("functions", 50, "number of functions")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	tarballs := map[string][]byte{}
	var lockDeps, pkgDeps []string
	for _, d := range deps {
		tgz := tarball(d)
		tarballs[d] = tgz
		sum := sha512.Sum512(tgz)
		ref := fmt.Sprintf("file:vendor/%s-1.0.0.tgz", d)
		pkgDeps = append(pkgDeps, fmt.Sprintf("%q: %q", d, ref))
		lockDeps = append(lockDeps, fmt.Sprintf(`    "node_modules/%s": {"version": "1.0.0", "resolved": %q, "integrity": "sha512-%s"}`,
			d, ref, base64.StdEncoding.EncodeToString(sum[:])))
	}
	pkg := fmt.Sprintf(`{"name": "fn", "version": "1.0.0", "dependencies": {%s}}`+"\n", strings.Join(pkgDeps, ", "))
	lock := fmt.Sprintf(`{
  "name": "fn",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "fn", "version": "1.0.0", "dependencies": {%s}},
%s
  }
}
`, strings.Join(pkgDeps, ", "), strings.Join(lockDeps, ",\n"))

	var manifest strings.Builder
	manifest.WriteString("project: buildbench\nservices:\n  bench:\n    functions:\n")
	for i := range *n {
		name := fmt.Sprintf("fn%03d", i)
		fdir := filepath.Join(*dir, "functions", name)
		write(filepath.Join(fdir, "package.json"), []byte(pkg))
		write(filepath.Join(fdir, "package-lock.json"), []byte(lock))
		for d, tgz := range tarballs {
			write(filepath.Join(fdir, "vendor", d+"-1.0.0.tgz"), tgz)
		}
		write(filepath.Join(fdir, "index.js"), []byte(fmt.Sprintf(
			"const a = require('alpha'), b = require('beta'), g = require('gamma');\nexports.handler = (e, c, cb) => cb(null, %q + a() + b() + g());\n", name)))
		fmt.Fprintf(&manifest, "      %s:\n        runtime: nodejs14\n        handler: index.handler\n        code: ./functions/%s\n        build: auto\n", name, name)
	}
	write(filepath.Join(*dir, "fcdeploy.yaml"), []byte(manifest.String()))
}

// tarball is an npm package tarball with fixed times, so its integrity is
// the same on every run.
func tarball(name string) []byte {
	files := map[string]string{
		"package.json": fmt.Sprintf(`{"name": %q, "version": "1.0.0", "main": "index.js"}`, name),
		"index.js":     fmt.Sprintf("module.exports = () => %q + '%s';\n", name, strings.Repeat(".", 2000)),
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []string{"index.js", "package.json"} {
		must(tw.WriteHeader(&tar.Header{Name: "package/" + f, Mode: 0o644, Size: int64(len(files[f])), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(files[f]))
		must(err)
	}
	must(tw.Close())
	must(gz.Close())
	return buf.Bytes()
}

func write(path string, data []byte) {
	must(os.MkdirAll(filepath.Dir(path), 0o755))
	must(os.WriteFile(path, data, 0o644))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
