import json


def handler(event, context):
    job = json.loads(event or b"{}")
    if job.get("fail"):
        # No retries (maxAsyncRetryAttempts: 0): the event goes straight to
        # the onFailure destination, current/failed.
        raise RuntimeError("job %s failed" % job.get("id"))
    return "done"
