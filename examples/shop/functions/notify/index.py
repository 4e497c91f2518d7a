def handler(event, context):
    return b"queued: " + event
