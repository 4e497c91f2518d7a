import mylib  # from the mylib layer (/opt/python)


def handler(event, context):
    name = event.decode().strip() if event else ""
    return mylib.greeting(name or "world")
