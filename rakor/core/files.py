"""The app's file store as core code reaches it.

The store is `rakor.storage` (the local disk, or an S3-compatible object store shared by every
host). It sits above core in the layers, since it uses core, so core cannot import it: the app
hands core the function that returns it (`create_app` calls `provide(app, storage.current)`).
"""
from flask import current_app

_KEY = "rakor.files"


def provide(app, current):
    app.extensions[_KEY] = current


def store():
    """The app's storage backend (put_bytes, read, delete, list, stat; see rakor/storage)."""
    return current_app.extensions[_KEY]()
