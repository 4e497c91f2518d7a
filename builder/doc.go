// Package builder turns a function's code directory into the directory the
// packager zips: it runs the function's build recipe (python, nodejs, go or
// a declared command) on a staged copy of the sources, never in the
// user's tree, and keeps the result in a cache keyed by a hash of
// everything the build reads.
//
// Recipes:
//   - python: `python3 -m pip install -r requirements.txt --target .` in the
//     staged copy, with --find-links, --index-url and --no-index passed
//     through; the output is the sources plus the installed packages.
//   - nodejs: `npm ci --omit=dev` in the staged copy; a package-lock.json
//     (or npm-shrinkwrap.json) is required, so the dependencies are the ones
//     the lockfile pins. The output is the sources plus node_modules.
//   - go: `go build -trimpath -buildvcs=false -ldflags=-buildid=` for
//     linux/amd64 with CGO_ENABLED=0; the output is the binary alone,
//     named `bootstrap` for custom runtimes and after the handler for go1.
//   - command: any shell command, its declared inputs and output directory.
//
// The cache key hashes the recipe and its options, the toolchain's
// versions, and the content and executable bit of every input file (the
// code directory after .fcignore, lockfiles included). A cache entry is a
// completed output directory plus a record of its files' SHA-256, renamed
// into place in one step; it is verified before each use, so a damaged
// entry is rebuilt rather than shipped. Concurrent runs build in their own
// staging directories and the first rename wins.
//
// The builder is an engine package: it never prints; it returns Results
// and *Error values for the CLI to present.
package builder
