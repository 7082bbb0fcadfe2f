"""Uploaded files kept between the preview and the confirmation.

The file waits in the app's storage (`rakor.core.files.store()`: the local disk under
UPLOAD_DIR, or the object store every host shares) as imports/<token>.bin, with a small JSON
beside it saying whose and for which meeting it is; the confirmation form carries only the random
token. So the preview may be made on one host and confirmed on another, or imported by the
worker on a third. Nothing goes into the (cookie) session, and the user does not choose the file
twice. `kind` (e.g. 'commitments') keeps one import's token from confirming another import.
Files nobody confirmed are removed after a day (here, and by `flask storage sweep`).

Beside them, imports/<token>.checked.json keeps what the preview's pure checks of the rows
found (`importing.remembering`: a participant's cleaned e-mail, phone and name), so that the
confirmation checks again only what may have changed since (the meeting's participants, its
quotas), not every cell of the file.
"""
import json
import re
import secrets
from datetime import UTC, datetime, timedelta

PREFIX = "imports/"
STORE_TOKEN_RE = re.compile(r"^[a-f0-9]{64}$")  # storage keys are lower-case
STORE_MAX_AGE_SECONDS = 24 * 3600


def _keys(token):
    return f"{PREFIX}{token}.bin", f"{PREFIX}{token}.json", f"{PREFIX}{token}.checked.json"


def _meta(store, token):
    try:
        return json.loads(store.read(_keys(token)[1]))
    except (LookupError, OSError, ValueError):  # absent (ObjectMissingError is a LookupError)
        return None


def store_upload(store, content: bytes, *, meeting_id: int | None, user_id: int | None,
                 filename: str | None, kind: str | None = None, rows: int | None = None,
                 checked: dict | None = None) -> str:
    """`rows`: how many data rows the preview found (the confirmation decides by it whether
    the import goes to the worker, `queued.py`); `checked`: what its pure checks found (JSON)."""
    purge_stale_uploads(store)
    token = secrets.token_hex(32)
    meta = {"meeting_id": meeting_id, "user_id": user_id, "filename": filename,
            "stored_at": datetime.now(UTC).timestamp()}
    if kind is not None:
        meta["kind"] = kind
    if rows is not None:
        meta["rows"] = rows
    content_key, meta_key, checked_key = _keys(token)
    store.put_bytes(content_key, content)
    if checked:
        store.put_bytes(checked_key, json.dumps(checked, separators=(",", ":")).encode())
    store.put_bytes(meta_key, json.dumps(meta).encode())  # last: a token with its JSON is whole
    return token


def load_upload(store, token, *, meeting_id: int | None, user_id: int | None, kind: str | None = None):
    """(content, filename), or None when the token is unknown, stale, or someone else's."""
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return None
    meta = _meta(store, token)
    if meta is None:
        return None
    if meta.get("meeting_id") != meeting_id or meta.get("user_id") != user_id or meta.get("kind") != kind:
        return None
    if datetime.now(UTC).timestamp() - meta.get("stored_at", 0) > STORE_MAX_AGE_SECONDS:
        discard_upload(store, token)
        return None
    try:
        content = store.read(_keys(token)[0])
    except (LookupError, OSError):
        return None
    return content, meta.get("filename")


def staged_checks(store, token) -> dict:
    """What the preview's pure checks of a staged file found ({} if nothing was kept); ownership
    is checked by `load_upload`."""
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return {}
    try:
        checked = json.loads(store.read(_keys(token)[2]))
    except (LookupError, OSError, ValueError):
        return {}
    return checked if isinstance(checked, dict) else {}


def staged_rows(store, token) -> int | None:
    """The number of rows the preview of a staged file found, if it said (ownership is checked
    by `load_upload`)."""
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return None
    meta = _meta(store, token)
    rows = meta.get("rows") if isinstance(meta, dict) else None
    return rows if isinstance(rows, int) else None


def discard_upload(store, token):
    if not token or not STORE_TOKEN_RE.fullmatch(token):
        return
    for key in _keys(token):
        store.delete(key)


def purge_stale_uploads(store):
    """Files of previews nobody confirmed, older than a day."""
    limit = datetime.now(UTC) - timedelta(seconds=STORE_MAX_AGE_SECONDS)
    try:
        for info in store.list(PREFIX):
            if info.modified < limit:
                store.delete(info.key)
    except OSError:
        pass  # the next upload tries again; the sweep removes them too
