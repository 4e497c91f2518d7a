import mylib  # from the mylib layer (/opt/python)


def handler(event, context):
    name = event.decode() if event else "world"
    return mylib.greeting(name or "world")
