"""The app's one Redis client and the document worker's queue, for every feature that puts work
on it (documents/jobs.py: PDFs; core/tabular/queued.py: big imports). In core because core may
not import documents, and both need the same client and the same queue as `flask documents
worker` serves."""
from flask import current_app
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

EXTENSION_KEY = "rakor.redis"


def redis_connection() -> Redis:
    """One client (and connection pool) per app and URL, with short timeouts so that a Redis that
    is down costs a request two seconds, not a hang."""
    url = current_app.config["REDIS_URL"]
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is None or cached[0] != url:
        _close(cached)
        cached = (url, Redis.from_url(url, socket_connect_timeout=2, socket_timeout=30))
        current_app.extensions[EXTENSION_KEY] = cached
    return cached[1]


def _close(cached):
    """Close a client's sockets now: dropped unclosed, they wait for the garbage collector's next
    full pass, which warns (ResourceWarning) wherever it happens to run."""
    if cached is not None:
        cached[1].close()


def document_queue(connection=None) -> Queue:
    """The DOCUMENT_QUEUE, on `connection` or the app's client."""
    return Queue(current_app.config["DOCUMENT_QUEUE"], connection=connection or redis_connection(),
                 serializer=JSONSerializer)


def forget_connection(app):
    """Drop the app's client (a test that changed REDIS_URL, or pointed it at nothing)."""
    _close(app.extensions.pop(EXTENSION_KEY, None))
