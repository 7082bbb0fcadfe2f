"""What every backend offers (rakor/storage/__init__.py explains the interface)."""
import os
import tempfile
from contextlib import contextmanager

from flask import current_app, request
from werkzeug.datastructures import ContentRange
from werkzeug.http import parse_range_header
from werkzeug.wsgi import wrap_file

from rakor.core.downloads import content_disposition
from rakor.storage import CHUNK, ObjectMissingError, check_key, sha256_of


class Storage:
    name = "?"

    # -- what a backend implements ------------------------------------------------------------
    def put_file(self, key, path, *, move=True):
        """Store the finished file at `path` under `key` (replacing any object there); with
        `move`, the file at `path` is gone afterwards (renamed or uploaded and removed)."""
        raise NotImplementedError

    def open(self, key):
        """A readable binary file object of the object (close it); ObjectMissingError if absent."""
        raise NotImplementedError

    def open_range(self, key, start, stop):
        """A readable binary file object of bytes [start, stop) of the object (close it)."""
        f = self.open(key)
        try:
            f.seek(start)
        except BaseException:
            f.close()
            raise
        return _Slice(f, stop - start)

    def stat(self, key):
        """ObjectInfo of the object; ObjectMissingError if absent."""
        raise NotImplementedError

    def delete(self, key):
        """Delete the object; nothing happens when it is absent."""
        raise NotImplementedError

    def list(self, prefix):
        """ObjectInfo of every object whose key starts with `prefix`, any order."""
        raise NotImplementedError

    def check(self):
        """Raise when the backend cannot be used (for /readyz and the CLI)."""
        raise NotImplementedError

    # -- built on those -----------------------------------------------------------------------
    def sweep_scratch(self, older_than, *, dry_run=False) -> int:
        """Remove partial uploads a dead process left in the scratch folder before `older_than`
        (aware UTC); returns how many."""
        folder = self.scratch_dir()
        if not folder or not os.path.isdir(folder):
            return 0
        removed = 0
        for entry in os.scandir(folder):
            if entry.is_file() and entry.stat().st_mtime < older_than.timestamp():
                if not dry_run:
                    os.unlink(entry.path)
                removed += 1
        return removed

    def scratch_dir(self) -> str | None:
        """Where a file being received is written before `put_file` (None: the system's temp)."""
        return None

    @contextmanager
    def scratch_file(self, prefix=".upload-"):
        """A path for a file being received, removed afterwards unless `put_file` moved it."""
        folder = self.scratch_dir()
        if folder:
            os.makedirs(folder, exist_ok=True)
        fd, path = tempfile.mkstemp(prefix=prefix, dir=folder)
        os.close(fd)
        try:
            yield path
        finally:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def put_bytes(self, key, data: bytes):
        check_key(key)
        with self.scratch_file(".put-") as path:
            with open(path, "wb") as out:
                out.write(data)
            return self.put_file(key, path)

    def put_stream(self, key, stream):
        check_key(key)
        with self.scratch_file(".put-") as path:
            with open(path, "wb") as out:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
            return self.put_file(key, path)

    def read(self, key) -> bytes:
        with self.open(key) as f:
            return f.read()

    def exists(self, key) -> bool:
        try:
            self.stat(key)
        except ObjectMissingError:
            return False
        return True

    def sha256(self, key) -> tuple[str, int]:
        """(hex SHA-256, size) of the stored bytes, read back from the backend."""
        with self.open(key) as f:
            return sha256_of(f)

    def send(self, key, *, mimetype, download_name, etag=None, as_attachment=True, max_age=0):
        """A streamed response of the object, conditional on `etag` (If-None-Match -> 304) and
        answering a single byte range (206; 416 when it lies outside the object)."""
        info = self.stat(key)
        response = current_app.response_class(status=200, mimetype=mimetype, direct_passthrough=True)
        if etag:
            response.set_etag(etag)
        response.headers["Content-Disposition"] = content_disposition(download_name, inline=not as_attachment)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.cache_control.no_cache = True if max_age == 0 else None
        response.cache_control.max_age = max_age
        response.cache_control.private = True
        response.last_modified = info.modified
        response.accept_ranges = "bytes"
        if etag and request.if_none_match.contains(etag):
            response.status_code = 304
            return response
        byte_range = _requested_range(info, etag)
        if byte_range is None:
            body, length = self.open(key), info.size
        elif byte_range is _UNSATISFIABLE:
            response.status_code = 416
            response.content_range = ContentRange("bytes", None, None, info.size)
            response.content_length = 0
            return response
        else:
            start, stop = byte_range
            body, length = self.open_range(key, start, stop), stop - start
            response.status_code = 206
            response.content_range = ContentRange("bytes", start, stop, info.size)
        response.response = wrap_file(request.environ, body, CHUNK)
        response.content_length = length
        return response


_UNSATISFIABLE = object()


def _requested_range(info, etag):
    """(start, stop) of the one byte range the request asks for, None for the whole object (no
    Range header, a HEAD, or an If-Range naming another version), or _UNSATISFIABLE (a range
    outside the object, several ranges, or a header Werkzeug cannot parse: 416 as Werkzeug's
    own send_file answers)."""
    if "Range" not in request.headers or request.method != "GET" or info.size == 0:
        return None
    if_range = request.if_range
    if if_range.etag is not None and (etag is None or if_range.etag != etag):
        return None  # resuming another version of the file: send the whole new one
    if if_range.date is not None and if_range.date < info.modified.replace(microsecond=0):
        return None
    parsed = parse_range_header(request.headers["Range"])
    found = parsed.range_for_length(info.size) if parsed is not None else None
    return found if found is not None else _UNSATISFIABLE


class _Slice:
    """At most `length` bytes of a file object opened at the slice's start (closes the file)."""

    def __init__(self, f, length):
        self._file, self._left = f, length

    def read(self, size=-1):
        if self._left <= 0:
            return b""
        data = self._file.read(self._left if size is None or size < 0 else min(size, self._left))
        self._left -= len(data)
        return data

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
