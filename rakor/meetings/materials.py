"""Meeting materials (bahan rapat): checked, stored and served safely.

A file is accepted when its extension is on the list AND its content is what the extension
says: PDF and images by their magic bytes (the `filetype` package); DOCX/PPTX/XLSX are zip
containers, so the zip must open and hold the part that makes it that kind of document
(word/document.xml, ppt/presentation.xml, xl/workbook.xml) plus [Content_Types].xml, and must
not unpack beyond the bounds of core/zips.py (a zip bomb hurts whoever downloads it). The zip is
only listed, never extracted. Files live in the storage (rakor/storage: UPLOAD_DIR on disk, or
an S3 bucket) under "materials/<random server-made name>"; the name the user gave is kept only
for display and for the download's file name. The object is written before its row, under a new
name; a row that does not commit takes its object with it (best effort), and `flask storage
sweep` deletes what a dead process left behind.
"""
import hashlib
import re
import secrets
import unicodedata
import zipfile
from contextlib import contextmanager
from pathlib import Path

import filetype
from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor import storage
from rakor.core import zips
from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings.lifecycle import check_open
from rakor.meetings.models import AgendaItem, Material, Meeting
from rakor.meetings.services import lock_meeting

# extension -> (content type we serve it as, how its content is checked)
ALLOWED = {
    "pdf": ("application/pdf", ("magic", "application/pdf")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ("zip", "word/document.xml")),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             ("zip", "ppt/presentation.xml")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ("zip", "xl/workbook.xml")),
    "png": ("image/png", ("magic", "image/png")),
    "jpg": ("image/jpeg", ("magic", "image/jpeg")),
    "jpeg": ("image/jpeg", ("magic", "image/jpeg")),
}
STORED_NAME_RE = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")
CHUNK = 64 * 1024


def upload_dir(folder="materials") -> Path:
    """UPLOAD_DIR/<folder>, where the disk backend keeps a folder's files (tests and tools read
    them there; the app goes through `storage`)."""
    path = Path(current_app.config["UPLOAD_DIR"]) / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def storage_key(stored_name: str, folder="materials") -> str | None:
    """The storage key of a stored name; None for anything that is not one of our names."""
    if not STORED_NAME_RE.match(stored_name or ""):
        return None
    return f"{folder}/{stored_name}"


def stored_path(stored_name: str, folder="materials") -> Path | None:
    """The file of a stored name with the disk backend; None for anything that is not one of
    our names."""
    if storage_key(stored_name, folder) is None:
        return None
    return upload_dir(folder) / stored_name


def send_stored(stored_name, folder, *, mimetype, download_name, etag, what):
    """The download of a stored file (materials, evidence): streamed from the storage as an
    attachment that never runs in the app's origin; 404 (and an error in the log) when the file
    is missing."""
    key = storage_key(stored_name, folder)
    try:
        if key is None:
            raise storage.ObjectMissingError(stored_name)
        response = storage.send(key, mimetype=mimetype, download_name=download_name, etag=etag)
    except storage.ObjectMissingError:
        current_app.logger.error("%s: file %s is missing", what, stored_name)
        abort(404)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def display_filename(raw: str | None) -> str:
    """The user's file name without any directory part or control characters:
    '../../etc/passwd' -> 'passwd', 'C:\\Data\\Paparan.pdf' -> 'Paparan.pdf'."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def extension_of(name: str) -> str | None:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else None


def allowed_extensions_text():
    return "PDF, DOCX, PPTX, XLSX, PNG, JPG"


def _content_matches(path, ext: str) -> bool:
    kind, expected = ALLOWED[ext][1]
    if kind == "magic":
        guess = filetype.guess(str(path))
        return guess is not None and guess.mime == expected
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    names = {i.filename for i in infos}
    if not (expected in names and "[Content_Types].xml" in names):
        return False
    if zips.expands_too_far(infos):
        raise DomainError(_l("The file unpacks to far more than a document of its kind does (more than "
                             "%(part)d MB in one part or %(total)d MB in all); it was refused. Save it "
                             "again from its program, or as PDF, and upload that.",
                             part=zips.MAX_PART_BYTES // (1024 * 1024),
                             total=zips.MAX_UNCOMPRESSED // (1024 * 1024)), field="file")
    return True


def _receive(stream, max_bytes, tmp) -> tuple[int, str]:
    """Copy the upload to the scratch file `tmp`; size and sha256."""
    digest, size = hashlib.sha256(), 0
    with open(tmp, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise DomainError(_l("The file is larger than %(mb)d MB.",
                                     mb=max_bytes // (1024 * 1024)), field="file")
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def checked_name(filename) -> tuple[str, str]:
    """(display name, extension) of an upload whose extension is allowed, else DomainError."""
    name = display_filename(filename)
    if not name:
        raise DomainError(_l("Choose a file."), field="file")
    ext = extension_of(name)
    if ext not in ALLOWED:
        raise DomainError(_l("Only these file types can be uploaded: %(types)s.",
                             types=allowed_extensions_text()), field="file")
    return name, ext


def store_checked(stream, ext, folder="materials") -> tuple[str, int, str]:
    """Receive the upload, check its content against `ext` and store it under a new random
    name as "<folder>/<name>" in the storage: (stored name, size, sha256). On any refusal
    nothing is stored. Meeting materials and progress evidence files both come through here."""
    max_bytes = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    store = storage.current()
    with store.scratch_file() as tmp:
        size, sha256 = _receive(stream, max_bytes, tmp)
        if size == 0:
            raise DomainError(_l("The file is empty."), field="file")
        if not _content_matches(tmp, ext):
            raise DomainError(_l("The content of the file is not a %(ext)s file; it was refused.",
                                 ext=ext.upper()), field="file")
        stored_name = f"{secrets.token_hex(16)}.{ext}"
        store.put_file(storage_key(stored_name, folder), tmp)
    return stored_name, size, sha256


def add_material(meeting: Meeting, stream, filename: str | None, title=None, agenda_item_id=None,
                 user=None) -> Material:
    """Check and store an uploaded file. On any refusal nothing is stored."""
    meeting = lock_meeting(meeting)
    check_open(meeting, for_="materials")
    name, ext = checked_name(filename)
    title = (title or "").strip() or None
    if title and len(title) > 300:
        raise DomainError(_l("At most %(n)d characters.", n=300), field="title")
    if agenda_item_id is not None:
        item = db.session.scalar(select(AgendaItem).where(
            AgendaItem.id == agenda_item_id, AgendaItem.meeting_id == meeting.id))
        if item is None:
            raise DomainError(_l("Choose an agenda item of this meeting."), field="agenda_item_id")
    stored_name, size, sha256 = store_checked(stream, ext)
    material = Material(
        meeting_id=meeting.id, agenda_item_id=agenda_item_id, title=title,
        original_filename=name, stored_name=stored_name, content_type=ALLOWED[ext][0],
        size=size, sha256=sha256, uploaded_by_id=getattr(user, "id", None),
    )
    try:
        db.session.add(material)
        db.session.flush()
    except BaseException:
        # The record did not make it: the file must not stay behind without one.
        remove_files([stored_name])
        raise
    return material


def delete_material(material: Material) -> str:
    """Delete the record; returns the stored name to remove from the storage after the commit."""
    meeting = lock_meeting(db.session.get(Meeting, material.meeting_id))
    check_open(meeting, for_="materials")
    stored = material.stored_name
    db.session.delete(material)
    db.session.flush()
    return stored


@contextmanager
def removed_unless_committed(folder="materials"):
    """Stored names the block appends are removed from the storage again when the block fails
    (its commit included): no file stays behind without its record (a process that dies here
    leaves its file to `flask storage sweep`)."""
    stored = []
    try:
        yield stored
    except BaseException:
        remove_files(stored, folder)
        raise


def remove_files(stored_names, folder="materials"):
    """After a commit: remove files whose records are gone. Missing files are fine; a storage
    that does not answer leaves them to the sweep (the commit has happened: no error for it)."""
    store = storage.current()
    for name in stored_names:
        key = storage_key(name, folder)
        if key is None:
            continue
        try:
            store.delete(key)
        except Exception:  # an S3 outage: the row is gone, the sweep removes the object later
            current_app.logger.warning("could not delete %s; `flask storage sweep` will", key, exc_info=True)


def stored_keys(model=None, folder="materials") -> dict[str, str]:
    """{storage key: sha256} of the rows of `model` (Material by default), for the sweep and
    `flask storage migrate`."""
    model = model or Material
    return {f"{folder}/{name}": sha256 for name, sha256 in db.session.execute(
        select(model.stored_name, model.sha256))}
