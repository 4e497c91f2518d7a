# fcdeploy python worker: runs one function instance for the local Function
# Compute. The Go pool talks to it over fd 3 (requests) and fd 4 (responses);
# fd 1 and fd 2 both go to the instance log, so user prints never touch the
# protocol. Frames: u32 header length, u32 body length (big endian), JSON
# header, raw body.
import importlib
import io
import json
import logging
import os
import struct
import sys
import traceback

REQ = os.fdopen(3, "rb", buffering=0)
RESP = os.fdopen(4, "wb", buffering=0)
# Subprocesses of user code must not inherit the protocol pipes.
os.set_inheritable(3, False)
os.set_inheritable(4, False)


def read_exact(n):
    buf = bytearray()
    while len(buf) < n:
        chunk = REQ.read(n - len(buf))
        if not chunk:
            sys.exit(0)  # the pool closed the pipe: stop quietly
        buf += chunk
    return bytes(buf)


def read_frame():
    hlen, blen = struct.unpack(">II", read_exact(8))
    header = json.loads(read_exact(hlen))
    body = read_exact(blen) if blen else b""
    return header, body


def write_frame(header, body=b""):
    h = json.dumps(header).encode()
    RESP.write(struct.pack(">II", len(h), len(body)) + h + body)


def end_logs(marker):
    # Everything the invocation printed is in the log pipe before the marker,
    # so the pool can cut this invocation's log exactly.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    try:
        os.write(2, marker.encode())
    except OSError:
        pass  # the function closed fd 2; the pool stops waiting on its own


class Credentials:
    access_key_id = ""
    access_key_secret = ""
    security_token = ""
    accessKeyId = ""
    accessKeySecret = ""
    securityToken = ""


class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Context:
    def __init__(self, h):
        f = h["function"]
        s = h["service"]
        self.request_id = h.get("requestId", "")
        self.requestId = self.request_id
        self.credentials = Credentials()
        self.function = Obj(name=f["name"], handler=f["handler"], memory=f["memory"],
                            timeout=f["timeout"], initializer=f.get("initializer", ""),
                            initialization_timeout=f.get("initializationTimeout", 0))
        self.service = Obj(name=s["name"], qualifier=s.get("qualifier", ""),
                           version_id=s.get("versionId", ""), log_project="", log_store="")
        self.region = "local"
        self.account_id = h.get("accountId", "")
        self.accountId = self.account_id
        self.logger = LOGGER

    def getLogger(self):
        return self.logger


LOGGER = logging.getLogger("fc")
_handler = logging.StreamHandler(sys.stderr)
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
LOGGER.addHandler(_handler)
LOGGER.setLevel(logging.INFO)
LOGGER.propagate = False


def load(spec):
    """Resolve 'file.function' or 'dir/file.function' to a callable."""
    if "." not in spec:
        raise ValueError("Invalid handler '%s': expected file.function" % spec)
    modpath, fname = spec.rsplit(".", 1)
    modname = modpath
    if "/" in modpath:
        d, modname = modpath.rsplit("/", 1)
        sys.path.insert(0, os.path.join(os.getcwd(), d))
    try:
        mod = importlib.import_module(modname)
    except Exception as e:
        raise ImportError("Unable to import module '%s': %s" % (modname, e)) from e
    if not hasattr(mod, fname):
        raise AttributeError("module '%s' has no attribute '%s'" % (modname, fname))
    return getattr(mod, fname)


def error_body(e, skip=0):
    tb = traceback.format_exception(type(e), e, e.__traceback__)
    lines = [l.rstrip("\n") for l in tb[1 + skip:-1]]
    return json.dumps({"errorMessage": str(e), "errorType": type(e).__name__,
                       "stackTrace": lines}).encode()


def to_body(v):
    if v is None:
        return b""
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v).encode()
    return str(v).encode("utf-8")


def wsgi(fn, http, body, ctx):
    headers = http.get("header") or {}
    environ = {
        "REQUEST_METHOD": http.get("method", "GET"),
        "SCRIPT_NAME": "",
        "PATH_INFO": http.get("path", "/"),
        "QUERY_STRING": http.get("rawQuery", ""),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": http.get("clientIP", ""),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "fc.context": ctx,
        "fc.request_uri": http.get("path", "/") + ("?" + http["rawQuery"] if http.get("rawQuery") else ""),
    }
    for k, vs in headers.items():
        key = k.upper().replace("-", "_")
        val = ",".join(vs)
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = val
        elif key == "CONTENT_LENGTH":
            continue
        else:
            environ["HTTP_" + key] = val
    state = {"status": None, "headers": []}
    chunks = []

    def start_response(status, response_headers, exc_info=None):
        if exc_info and state["status"] is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        state["status"] = status
        state["headers"] = list(response_headers)
        return chunks.append

    result = fn(environ, start_response)
    try:
        for chunk in result:
            if chunk:
                chunks.append(chunk if isinstance(chunk, bytes) else str(chunk).encode())
    finally:
        if hasattr(result, "close"):
            result.close()
    if state["status"] is None:
        raise RuntimeError("WSGI handler returned without calling start_response")
    code = int(str(state["status"]).split(" ", 1)[0])
    hdr = {}
    for k, v in state["headers"]:
        hdr.setdefault(k, []).append(str(v))
    return {"status": code, "header": hdr}, b"".join(chunks)


def main():
    # The code directory replaces the bootstrap's own directory, so user
    # modules cannot be shadowed by (or import) the bootstrap.
    sys.path[0] = os.getcwd()
    handler = None
    while True:
        h, body = read_frame()
        kind = h.get("type")
        marker = h.get("marker", "")
        ctx = Context(h)
        try:
            if kind == "init":
                fn = load(h["function"]["initializer"])
                fn(ctx)
                end_logs(marker)
                write_frame({"status": "ok"})
                continue
            if handler is None:
                try:
                    handler = load(h["function"]["handler"])
                except Exception as e:
                    end_logs(marker)
                    write_frame({"status": "unhandled", "fatal": True}, error_body(e, skip=99))
                    return
            if h.get("http"):
                meta, out = wsgi(handler, h["http"], body, ctx)
                end_logs(marker)
                write_frame({"status": "ok", "http": meta}, out)
            else:
                out = to_body(handler(body, ctx))
                end_logs(marker)
                write_frame({"status": "ok"}, out)
        except Exception as e:
            traceback.print_exc()
            end_logs(marker)
            if kind == "init":
                write_frame({"status": "unhandled", "fatal": True}, error_body(e))
            else:
                write_frame({"status": "handled"}, error_body(e))


if __name__ == "__main__":
    main()
