import json


def handler(event, context):
    job = json.loads(event or b"{}").get("job", "none")
    return json.dumps({"ran": job})
