"""An agency's logo for its letterhead: PNG or JPEG, checked by content, stored in the app's
storage (rakor/storage: disk or S3) as logos/<server-made name>, handed to documents as a data:
URL (the PDF fetcher serves nothing else outside static/).

The checks follow meetings/materials.py: the content must be what the type says (magic bytes,
`filetype`), and besides it must open as an image of sensible size (Pillow), so that a file
that only starts like a PNG never reaches WeasyPrint."""
import base64
import io
import re
import secrets

import filetype
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from rakor import storage
from rakor.core.errors import DomainError

TYPES = {"image/png": "png", "image/jpeg": "jpg"}
MAX_BYTES = 1024 * 1024
MAX_PIXELS = 4000
STORED_NAME_RE = re.compile(r"^[0-9a-f]{32}\.(png|jpg)$")


PREFIX = "logos/"


def stored_key(stored_name) -> str | None:
    """The storage key of one of our names; None for anything else."""
    if not STORED_NAME_RE.match(stored_name or ""):
        return None
    return PREFIX + stored_name


def logo_bytes(stored_name) -> tuple[bytes, str] | None:
    """(content, mime type) of a stored logo; None when there is none or it is gone."""
    key = stored_key(stored_name)
    if key is None:
        return None
    try:
        content = storage.current().read(key)
    except storage.ObjectMissingError:
        return None
    return content, ("image/png" if key.endswith(".png") else "image/jpeg")


def check_logo(content: bytes) -> str:
    """The logo's type ('image/png' or 'image/jpeg'); DomainError when it is not a usable one."""
    if not content:
        raise DomainError(_l("The file is empty."), field="logo")
    if len(content) > MAX_BYTES:
        raise DomainError(_l("The logo is larger than %(kb)d KB.", kb=MAX_BYTES // 1024), field="logo")
    guess = filetype.guess(content)
    if guess is None or guess.mime not in TYPES:
        raise DomainError(_l("The logo must be a PNG or JPEG image."), field="logo")
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(_l("The logo could not be read as an image."), field="logo") from None
    if not (1 <= width <= MAX_PIXELS and 1 <= height <= MAX_PIXELS):
        raise DomainError(_l("The logo must be at most %(n)d pixels wide and high.", n=MAX_PIXELS),
                          field="logo")
    return guess.mime


def store_logo(content: bytes) -> str:
    """Check and write the logo; returns its stored name."""
    mime = check_logo(content)
    name = f"{secrets.token_hex(16)}.{TYPES[mime]}"
    storage.current().put_bytes(PREFIX + name, content)  # before the row names it (rakor/storage)
    return name


def remove_logo(stored_name):
    key = stored_key(stored_name)
    if key is not None:
        storage.current().delete(key)


def stored_keys():
    """The keys the agencies' rows name (for the storage sweep)."""
    from sqlalchemy import select

    from rakor.extensions import db
    from rakor.regions.models import Agency

    names = db.session.scalars(select(Agency.logo_stored_name).where(Agency.logo_stored_name.is_not(None)))
    return {PREFIX + n for n in names}


def logo_data_url(stored_name) -> str | None:
    """'data:image/png;base64,...' of a stored logo; None when there is none or it is gone."""
    found = logo_bytes(stored_name)
    if found is None:
        return None
    content, mime = found
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
