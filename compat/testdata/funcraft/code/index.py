# The function Funcraft deploys in the compatibility test: returns the event unchanged.
def handler(event, context):
    return event
