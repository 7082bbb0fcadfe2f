"""An agency's logo for its letterhead: PNG or JPEG, checked by content, stored under
UPLOAD_DIR/logos with a server-made name, handed to documents as a data: URL (the PDF fetcher
serves nothing else outside static/).

The checks follow meetings/materials.py: the content must be what the type says (magic bytes,
`filetype`), and besides it must open as an image of sensible size (Pillow), so that a file
that only starts like a PNG never reaches WeasyPrint."""
import base64
import io
import os
import re
import secrets
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from rakor.core.errors import DomainError

TYPES = {"image/png": "png", "image/jpeg": "jpg"}
MAX_BYTES = 1024 * 1024
MAX_PIXELS = 4000
STORED_NAME_RE = re.compile(r"^[0-9a-f]{32}\.(png|jpg)$")


def logos_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "logos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(stored_name) -> Path | None:
    """The file of one of our names; None for anything else."""
    if not STORED_NAME_RE.match(stored_name or ""):
        return None
    return logos_dir() / stored_name


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
    tmp = logos_dir() / f".upload-{secrets.token_hex(8)}"
    tmp.write_bytes(content)
    os.replace(tmp, logos_dir() / name)
    return name


def remove_logo(stored_name):
    path = stored_path(stored_name)
    if path is not None:
        path.unlink(missing_ok=True)


def logo_data_url(stored_name) -> str | None:
    """'data:image/png;base64,...' of a stored logo; None when there is none or it is gone."""
    path = stored_path(stored_name)
    if path is None or not path.is_file():
        return None
    mime = "image/png" if path.suffix == ".png" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
