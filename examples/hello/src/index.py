import os


def handler(event, context):
    name = event.decode("utf-8").strip() or "world"
    return "%s, %s!" % (os.environ.get("GREETING", "Hello"), name)
