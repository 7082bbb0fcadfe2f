"""Uploaded files kept between the preview and the confirmation.

The file waits under UPLOAD_DIR/imports/<token>.bin (a folder every host mounts), with a small
JSON beside it saying whose and for which meeting it is; the confirmation form carries only the
random token. Nothing goes into the (cookie) session, and the user does not choose the file
twice. `kind` (e.g. 'commitments') keeps one import's token from confirming another import.
"""
import json
import re
import secrets
import time
from pathlib import Path

STORE_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STORE_MAX_AGE_SECONDS = 24 * 3600


def _store_dir(upload_dir):
    path = Path(upload_dir) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload_dir, content: bytes, *, meeting_id: int | None, user_id: int | None,
                 filename: str | None, kind: str | None = None, rows: int | None = None) -> str:
    """`rows`: how many data rows the preview found (the confirmation decides by it whether
    the import goes to the worker, `queued.py`)."""
    folder = _store_dir(upload_dir)
    purge_stale_uploads(upload_dir)
    token = secrets.token_urlsafe(32)
    meta = {"meeting_id": meeting_id, "user_id": user_id, "filename": filename, "stored_at": time.time()}
    if kind is not None:
        meta["kind"] = kind
    if rows is not None:
        meta["rows"] = rows
    (folder / f"{token}.bin").write_bytes(content)
    (folder / f"{token}.json").write_text(json.dumps(meta))
    return token


def load_upload(upload_dir, token, *, meeting_id: int | None, user_id: int | None, kind: str | None = None):
    """(content, filename), or None when the token is unknown, stale, or someone else's."""
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return None
    folder = _store_dir(upload_dir)
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        content = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("meeting_id") != meeting_id or meta.get("user_id") != user_id or meta.get("kind") != kind:
        return None
    if time.time() - meta.get("stored_at", 0) > STORE_MAX_AGE_SECONDS:
        discard_upload(upload_dir, token)
        return None
    return content, meta.get("filename")


def staged_rows(upload_dir, token) -> int | None:
    """The number of rows the preview of a staged file found, if it said (ownership is checked
    by `load_upload`)."""
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return None
    try:
        return json.loads((_store_dir(upload_dir) / f"{token}.json").read_text()).get("rows")
    except (OSError, ValueError, AttributeError):
        return None


def discard_upload(upload_dir, token):
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return
    folder = _store_dir(upload_dir)
    for suffix in (".bin", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def purge_stale_uploads(upload_dir):
    """Files of previews nobody confirmed, older than a day."""
    limit = time.time() - STORE_MAX_AGE_SECONDS
    for path in _store_dir(upload_dir).iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            pass
