import json


def handler(event, context):
    # The destination record of a failed asynchronous invocation: the
    # request context, the original payload and the error.
    record = json.loads(event)
    print("failed async invocation: " + json.dumps(record, sort_keys=True), flush=True)
    return "recorded"
