// Package runtime runs functions for the local Function Compute: it unpacks
// code and layer zips into a cache (once per SHA-256), starts instances
// (our python and node workers, or the function's own HTTP server for
// custom runtimes), keeps them warm per function configuration, and carries
// invocations to them.
//
// Pool.Invoke takes everything it needs in a Request; the HTTP routes, the
// async queue, timers and HTTP triggers are built on top of it elsewhere.
//
// Runtimes: every python3.x (python3, python3.9, python3.10, ...) runs on
// this machine's python3 and every nodejsN on its node; the local Function
// Compute checks behaviour, not interpreter versions. custom,
// custom.debian10 and go1 follow the custom runtime contract (below).
// java*, php*, dotnetcore*, custom-container and python2.7 are refused with
// an UnsupportedRuntimeError naming what is missing ("runtime java11: the
// local Function Compute cannot run Java functions (no JVM worker); ...");
// the server answers it as 501 NotImplemented.
//
// Workers: an embedded bootstrap script per language (bootstrap/) runs with
// the unpacked code as its working directory and a clean environment (FC_*
// variables, PATH, HOME=/tmp, LANG and the function's own variables; never
// the server's). Requests arrive on fd 3 and answers leave on fd 4, framed
// as u32 header length, u32 body length, JSON header, raw body, so events
// are binary-safe. fd 1 and fd 2 are the instance's log; after each
// invocation the worker writes a random per-instance marker to the log, which
// lets the pool cut exactly that invocation's output (Result.Log, last 4 KB)
// and send it to the pool's slog.Logger.
//
// Interpreters are looked up in the server's PATH on first use (python via
// sys.executable, so pyenv-style shims are replaced by the real binary) and
// run with absolute paths, since instances get a minimal PATH.
//
// What a function gets:
//   - python: handler(event: bytes, context); str and bytes are returned as
//     is, dict/list/tuple as JSON, None as an empty body, anything else via
//     str(). context has request_id (and requestId), function (name,
//     handler, memory, timeout, initializer, initialization_timeout),
//     service (name, qualifier, version_id), region "local", account_id,
//     empty credentials and getLogger()/logger (a logging.Logger on stderr).
//     HTTP triggers call handler(environ, start_response) (WSGI) with
//     environ["fc.context"].
//   - node: handler(event: Buffer, context, callback) or an async handler;
//     Buffers and strings are returned as is, objects as JSON. context has
//     requestId, function, service (versionId), region, accountId,
//     credentials and logger.{debug,info,warn,error}. HTTP triggers call
//     handler(request, response, context): request is a Readable stream of
//     the body (so raw-body style readers work) that also has body (a
//     Buffer), headers, path, queries, method, clientIP and url; response
//     has setStatusCode, setHeader, deleteHeader and send(body).
//   - initializer(context) / initializer(context, callback) once per
//     instance before its first invocation, bounded by InitializationTimeout;
//     a failure is an UnhandledInvocationError and the instance is dropped.
//
// Failures: an error the function raises or passes to its callback is a
// HandledInvocationError and the instance stays warm; a crash, an import
// failure, a bad handler name, a timeout (the process group is killed) or
// memory above MemorySize (RSS of the worker polled every 50 ms, and its peak
// checked after each invocation) is an UnhandledInvocationError and the
// instance is dropped. A Go error from Invoke means the platform could not
// run the function (UnsupportedRuntimeError, CodeError, LayerError,
// ErrClosed, context).
//
// Custom runtimes (custom, custom.debian10, go1): the instance process is
// customRuntimeConfig's command + args (Request.Command, Args; a command
// under /code is mapped to the unpacked code, a bare name is looked up in
// the instance's PATH), else for go1 the executable named by the handler
// when it exists, else the code's bootstrap. It runs in the unpacked code
// directory (the platform's /code) in its own process group, with the
// environment above plus FC_SERVER_PORT and FC_SERVER_PATH (the code
// directory); its PATH also holds the directories of this machine's python3
// and node, which the platform's custom images provide.
//
// Ports and caPort: on the platform every instance is alone in its
// sandbox, so the code may listen on the fixed caPort (default 9000).
// Locally instances share 127.0.0.1, so each gets a free port of its own in
// FC_SERVER_PORT, and the code must listen on FC_SERVER_PORT (as the
// platform's examples do); caPort is not used to reach the instance, only
// named in the error when nothing listens. An instance is ready when its
// port accepts connections (and, with Request.HealthCheckPath, when GET on
// that path answers 2xx), bounded by the initialization timeout;
// otherwise the invocation fails with FunctionNotStarted. A missing or
// non-executable bootstrap is CAFileNotFound / CAFilePermission and one
// that exits before listening is CAExited, all UnhandledInvocationErrors.
//
// The pool then speaks section 9 of the contract: POST /initialize once per
// instance when an initializer is configured (non-2xx or x-fc-status 404
// fails it and drops the instance), POST /invoke with the event as an
// application/octet-stream body, GET /pre-freeze after each invocation when
// a preFreeze hook is configured (before the instance serves again, not
// before the caller gets its answer), and GET /pre-stop before an idle
// instance is stopped (reaped, replaced by a new configuration, pool
// closed) when a preStop hook is configured; hooks are bounded by their
// timeout and their failure is only logged. Every request carries the
// x-fc-* headers: request id, control path, empty credentials (no service
// role locally), function name, handler, memory, timeout, initializer and
// initialization timeout, hook handlers, region "local", account id,
// qualifier, version id and the service's log project and store.
// HTTP-trigger requests go to the instance as they came (method, path,
// query, headers, Host, body), with the caller's x-fc-* headers replaced by
// the platform's (x-fc-control-path /http-invoke, x-fc-base-path), and the
// response comes back as is, without x-fc-* and the headers the server
// writes itself (Content-Length, Date, Server, hop-by-hop ones), whatever
// its status. An answer with x-fc-status: 404 (or, for /invoke without
// x-fc-status, HTTP 404 or 5xx) is an UnhandledInvocationError whose body
// is the function's; the server answered, so the instance stays warm. Timeouts kill the process group
// as for the workers; memory is the RSS of the started process, so a
// bootstrap script should exec its server. One instance serves one
// request at a time.
//
// Logs of custom runtimes: a foreign process writes no end marker, so the
// pool keeps the write end of the instance's log pipe and writes the
// marker itself once the answer has arrived. The pipe is FIFO: everything
// the process wrote before answering precedes the marker, so an
// invocation's log is exactly the output written between the request
// being sent and the answer (output written after answering goes to the
// pool log as output outside an invocation).
//
// Code cache (cache.go): code-<sha256>, layer-<sha256> and opt-<sha256>
// entries, named by the SHA-256 of the zip (given by the caller, checked
// against the bytes when unpacking; a CRC-64 can be forged to collide, so
// it never names an entry). Unpacking refuses absolute names, escaping
// entries, special files, more than MaxZipEntries entries, content above
// MaxUnpackedBytes and links resolving outside the directory, resolved
// through the archive's own entries (localfc/internal/ziptree) so that a
// chain through a name that does not exist yet is caught too. A zip that
// fails to unpack is remembered by its digest and not inflated again. An
// entry is removed by the reaper once no function configuration uses it
// and no invocation has for IdleTimeout; entries of the older CRC-keyed
// cache are removed when a pool starts.
//
// Layers (Request.Layers, in the function's order): each layer version is
// unpacked once into the cache (layer-<sha256>), like code. The
// platform extracts them all into /opt, the earlier layer winning on a
// conflicting file; locally /opt cannot be written, so one layer is used
// as unpacked and several are merged into a cached directory of symlinks
// (opt-<sha256 of the layer digests>) with the same precedence. The instance
// finds it in FCDEPLOY_OPT_DIR (local only; code that reads /opt directly
// sees nothing locally). As in section 5.3, python gets
// PYTHONPATH=<opt>/python, node NODE_PATH=<opt>/nodejs/node_modules, and
// both <opt>/bin first in PATH and LD_LIBRARY_PATH=<opt>/lib; custom
// runtimes get no search paths, as on the platform. A function's own
// variables override these.
//
// Provisioned instances: Pool.Provision keeps up to N instances of a
// configuration started and initialized (N capped by
// Config.MaxProvisionedPerFunction and MaxInstancesPerFunction); the
// reaper leaves them, a lost one is replaced, and provisioning another
// configuration for the same account/service/qualifier/function (an alias
// moved) or N = 0 releases them to ordinary idle instances.
// Pool.ProvisionedInstances reports how many run; Pool.Unprovision
// releases them without a Request (the function may be gone).
//
// Lifecycle hooks of built-in runtimes (a handler in the code) are not run
// locally; starting such an instance logs a warning saying so. Close kills
// an instance that is busy, in an invocation or in its pre-freeze hook,
// without a pre-stop hook; idle ones get theirs.
//
// It must not import package localfc, know HTTP routing or the store, or
// print: output goes to the Logger given in Config.
package runtime
