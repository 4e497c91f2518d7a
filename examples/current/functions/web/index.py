def handler(environ, start_response):
    body = ("web: %s %s\n" % (environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))).encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
