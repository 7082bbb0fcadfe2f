"""Where Rakor's files live: one interface, two backends (issue 22 item 2).

    from rakor import storage
    store = storage.current()                 # the app's backend (STORAGE_BACKEND)
    info = store.put_file("materials/<name>.pdf", tmp_path)   # moves/uploads a finished file
    store.put_bytes("documents/<key>.pdf", pdf)
    with store.open(key) as f: ...            # binary, streaming; ObjectMissingError if absent
    store.read(key); store.stat(key); store.exists(key); store.delete(key); store.list("materials/")
    storage.send(key, mimetype=..., download_name=..., etag=...)   # a download response

Backends
    disk (the default): files under UPLOAD_DIR, a key being a relative path ("materials/ab12….pdf"),
    written to a temporary file and renamed into place, so a reader never sees half a file. One
    host, or several hosts that mount one shared folder. `make run` needs nothing else.

    s3: any S3-compatible object store through boto3 (S3_ENDPOINT_URL, S3_BUCKET,
    S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION), path-style addressing so that an endpoint
    on a private address works without DNS tricks. Several hosts share nothing else.

Keys
    Lower-case ASCII words separated by "/", made by the server (never by the user): a key that
    does not match KEY_RE is refused with ValueError before any backend sees it, so no user input
    reaches a path or an object name.

Consistency (what a row and its object may never disagree on)
    Write the object first, under a new unique key; then commit the row that names it; on failure
    before the commit, delete the object again (best effort). A process that dies between the two
    leaves an object without a row: `flask --app wsgi storage sweep` deletes such orphans once
    they are older than a grace age (longer than any upload takes), and lists rows whose object
    is missing, which the write order makes impossible short of someone deleting objects by hand.
    Features say which keys their rows hold through `references.register(prefix, loader=...)`.

Downloads
    Streamed through the app, for both backends: the response carries the app's own headers
    (Content-Disposition, nosniff, no-store, CSP), the permission check and the download are one
    request on one origin, and the object store need not be reachable by browsers (a private
    deployment's SeaweedFS or MinIO sits on an internal network). Redirecting to presigned URLs
    would offload the bytes but hand the browser a second origin, put a bearer link in browser
    history and logs for its lifetime, and need the store's hostname in DNS and TLS for every
    user; Rakor's files are megabytes, not gigabytes, so the app streams them (64 KiB at a time,
    never whole in memory).

    Range requests are answered (206 with Content-Range, 416 for a range outside the file, If-Range
    honoured) with Werkzeug's parsing of the header; the disk backend seeks, the S3 backend asks
    the store for those bytes only (get_object with Range), so resuming a large file does not
    stream it from its start.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from rakor.storage.registry import references  # noqa: F401  (re-exported)

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_.-]*)+$")
CHUNK = 64 * 1024
BACKENDS = ("disk", "s3")


class ObjectMissingError(LookupError):
    """No object under that key."""


class StorageUnavailableError(RuntimeError):
    """The backend cannot be reached now (the object store is down or unreachable): an operating
    condition, answered 503 with Retry-After (rakor/errors.py, the API's problem), not a bug."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime  # UTC, aware


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_RE.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def sha256_of(stream) -> tuple[str, int]:
    """(hex SHA-256, size) of what `stream` yields, read CHUNK by CHUNK."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def build(config) -> "Storage":  # noqa: F821 (the base class lives in base.py)
    """The backend named by STORAGE_BACKEND in `config` (a mapping)."""
    kind = (config.get("STORAGE_BACKEND") or "disk").strip().lower()
    if kind == "disk":
        from rakor.storage.disk import DiskStorage

        if not config.get("UPLOAD_DIR"):
            raise RuntimeError("STORAGE_BACKEND=disk needs UPLOAD_DIR")
        return DiskStorage(config["UPLOAD_DIR"])
    if kind == "s3":
        from rakor.storage.s3 import S3Storage

        return S3Storage.from_config(config)
    raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {kind!r}")


def current():
    """The app's backend, built once per app and configuration."""
    config = current_app.config
    signature = tuple(str(config.get(name)) for name in (
        "STORAGE_BACKEND", "UPLOAD_DIR", "S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_REGION"))
    cached = current_app.extensions.get("rakor.storage")
    if cached is None or cached[0] != signature:
        cached = (signature, build(config))
        current_app.extensions["rakor.storage"] = cached
    return cached[1]


def send(key, *, mimetype, download_name, etag=None, as_attachment=True, max_age=0):
    """The object under `key` as a download (see "Downloads" above); ObjectMissingError if absent."""
    return current().send(key, mimetype=mimetype, download_name=download_name, etag=etag,
                          as_attachment=as_attachment, max_age=max_age)


def check():
    """Raise when the app's storage cannot be used (the bucket is unreachable, the folder is not
    writable); None when it can (for /readyz)."""
    current().check()
    return None
