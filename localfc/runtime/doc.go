// Package runtime runs functions for the local Function Compute: it unpacks
// code zips into a cache (once per checksum), starts worker processes
// (python3 for python3/python3.9, node for nodejs6..nodejs14), keeps them
// warm per function configuration, and carries invocations to them.
//
// Pool.Invoke takes everything it needs in a Request; the HTTP routes, the
// async queue, timers and HTTP triggers are built on top of it elsewhere.
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
// run the function (UnsupportedRuntimeError, CodeError, ErrClosed, context).
//
// It must not import package localfc, know HTTP routing or the store, or
// print: output goes to the Logger given in Config.
package runtime
