# A custom runtime function for the tests: an HTTP server on FC_SERVER_PORT
# that follows the custom runtime contract. The event of POST /invoke picks
# what it does; any other path is an HTTP-trigger request it echoes.
import http.server
import json
import os
import sys
import time

state = {"initialize": 0, "preFreeze": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass  # the tests read the function's own output only

    def answer(self, status, body, headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def fc_headers(self):
        return {k.lower(): v for k, v in self.headers.items() if k.lower().startswith("x-fc-")}

    def do_POST(self):
        event = self.body()
        if self.path == "/initialize":
            state["initialize"] += 1
            if os.environ.get("FAIL_INIT"):
                return self.answer(500, "no database")
            return self.answer(200, "")
        if self.path != "/invoke":
            return self.echo(event)
        rid = self.headers.get("x-fc-request-id")
        if event == b"headers":
            return self.answer(200, json.dumps({
                "headers": self.fc_headers(), "contentType": self.headers.get("Content-Type"),
                "port": os.environ["FC_SERVER_PORT"], "listening": self.server.server_address[1],
                "cwd": os.getcwd(), "codePath": os.environ.get("FC_FUNC_CODE_PATH"),
            }))
        if event == b"fail":
            return self.answer(404, json.dumps({"errorMessage": "asked to fail"}), [("x-fc-status", "404")])
        if event == b"pid":
            return self.answer(200, str(os.getpid()))
        if event == b"env":
            return self.answer(200, json.dumps(dict(os.environ)))
        if event == b"state":
            return self.answer(200, json.dumps(state))
        if event == b"log":
            print("stdout of " + rid)
            print("stderr of " + rid, file=sys.stderr)
            return self.answer(200, "logged")
        if event.startswith(b"sleep "):
            with open(event[6:].decode(), "w") as f:
                f.write(str(os.getpid()))
            time.sleep(60)
        return self.answer(200, b"echo:" + event)

    def do_GET(self):
        if self.path == "/pre-freeze":
            state["preFreeze"] += 1
            return self.answer(200, "")
        if self.path == "/pre-stop":
            with open(os.environ["STOP_FILE"], "w") as f:
                f.write(self.headers.get("x-fc-control-path", ""))
            return self.answer(200, "")
        if self.path == "/healthz":
            return self.answer(200, "ok")
        if self.path == "/missing":
            return self.answer(404, "no such page")
        return self.echo(b"")

    def do_PUT(self):
        return self.echo(self.body())

    def echo(self, body):
        out = json.dumps({
            "method": self.command, "path": self.path, "host": self.headers.get("Host"),
            "custom": self.headers.get_all("X-Custom"), "fc": self.fc_headers(), "body": body.decode(),
        })
        self.answer(201, out, [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("x-fc-status", "200"), ("Content-Type", "application/json")])


http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["FC_SERVER_PORT"])), Handler).serve_forever()
