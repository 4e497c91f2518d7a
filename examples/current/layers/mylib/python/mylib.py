"""A module shipped in the mylib layer: functions import it as `mylib`."""


def greeting(name):
    return "Hello, %s, from the mylib layer" % name
