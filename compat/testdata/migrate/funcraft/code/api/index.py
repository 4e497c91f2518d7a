import json


def handler(event, context):
    return json.dumps({"ok": True})
