def handler(event, context):
    return event


def init(context):
    pass
