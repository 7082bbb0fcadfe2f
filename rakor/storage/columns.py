"""Stored final documents (final minutes, berita acara, monitoring reports) keep their bytes in
the storage, not in the database: the mixin's `content` reads and writes the object under
`storage_key`. Setting `content` writes a new object under a new key FIRST; the row that names it
is committed after (a rollback leaves an orphan for `flask storage sweep`). Rows made before this
keep their bytes in the `content` column (`inline_content`) until `flask storage migrate` moves
them; reading `content` serves either."""
import hashlib
import uuid

from sqlalchemy import LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column

from rakor.extensions import db
from rakor.storage import current


class StoredContent:
    storage_prefix = "final/"  # each model names its own, e.g. "final/minutes/"
    storage_key: Mapped[str | None] = mapped_column(String(120))
    inline_content: Mapped[bytes | None] = mapped_column("content", LargeBinary, nullable=True, deferred=True)

    @property
    def content(self) -> bytes | None:
        return read_content(self.storage_key, None) if self.storage_key else self.inline_content

    @content.setter
    def content(self, data: bytes):
        key = f"{self.storage_prefix}{uuid.uuid4().hex}.pdf"
        current().put_bytes(key, data)
        self.storage_key, self.inline_content = key, None


def read_content(storage_key, inline_content) -> bytes | None:
    """The bytes of a row selected column by column (`storage_key`, `inline_content`)."""
    if storage_key:
        return current().read(storage_key)
    return inline_content


def content_columns(model):
    """The two columns to select for `read_content`."""
    return model.storage_key, model.inline_content


def stored_content_keys(model) -> dict:
    """{storage key: sha256} of the rows of `model` whose bytes are in the storage."""
    return {key: sha256 for key, sha256 in db.session.execute(
        select(model.storage_key, model.sha256).where(model.storage_key.is_not(None)))}


def move_inline_content(model) -> tuple[int, list]:
    """Move rows' bytes from the database into the storage, checking each SHA-256 against the
    row's (read back from the storage), one commit per row: (moved, [ids whose hash differs])."""
    moved, mismatched = 0, []
    ids = db.session.scalars(select(model.__mapper__.primary_key[0]).where(
        model.storage_key.is_(None), model.inline_content.is_not(None))).all()
    for ident in ids:
        row = db.session.get(model, ident)
        data = row.inline_content
        if hashlib.sha256(data).hexdigest() != row.sha256:
            mismatched.append(ident)
            continue
        key = f"{model.storage_prefix}{uuid.uuid4().hex}.pdf"
        store = current()
        store.put_bytes(key, data)
        if store.sha256(key)[0] != row.sha256:
            store.delete(key)
            mismatched.append(ident)
            continue
        row.storage_key, row.inline_content = key, None
        db.session.commit()
        moved += 1
    return moved, mismatched


def register(model, what):
    """Tell the sweep and `flask storage migrate` about a model's stored files."""
    from rakor.storage import references

    references.register(model.storage_prefix, loader=lambda: stored_content_keys(model), model=model, what=what)
