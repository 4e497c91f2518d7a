package packager

import (
	"fmt"
	"strings"
)

// HandlerError is a handler whose file is not in the code directory.
type HandlerError struct {
	Dir      string
	Handler  string
	Runtime  string
	Expected []string // accepted files, the usual one first; slash-separated, relative to Dir
}

func (e *HandlerError) Error() string {
	return fmt.Sprintf("code directory %s has no %s for handler %q (runtime %s); add the file or fix `handler:`",
		e.Dir, e.Expected[0], e.Handler, e.Runtime)
}

// handlerFiles returns the files one of which must exist for the handler,
// or nil when the runtime's handlers are not files we can check (java,
// php, dotnet, custom).
func handlerFiles(runtime, handler string) []string {
	dot := strings.LastIndexByte(handler, '.')
	if dot <= 0 {
		return nil // malformed handlers are the schema's to report
	}
	module := handler[:dot]
	switch {
	case strings.HasPrefix(runtime, "python"):
		// "pkg.mod.handler" imports pkg/mod.py; "src/index.handler" is src/index.py.
		path := strings.ReplaceAll(module, ".", "/")
		return []string{path + ".py", path + "/__init__.py"}
	case strings.HasPrefix(runtime, "nodejs"):
		return []string{module + ".js", module + ".mjs", module + ".cjs", module + "/index.js"}
	}
	return nil
}

func checkHandler(t *tree, opt DirOptions) error {
	want := handlerFiles(opt.Runtime, opt.Handler)
	if want == nil {
		return nil
	}
	for _, w := range want {
		if t.has(w) {
			return nil
		}
	}
	return &HandlerError{Dir: t.dir, Handler: opt.Handler, Runtime: opt.Runtime, Expected: want}
}
