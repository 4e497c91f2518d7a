def handler(e,c): return "hi"
