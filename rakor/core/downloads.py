"""Every file Rakor sends: one recipe for the headers (RFC 6266/5987 filename, nosniff,
no caching of personal data) and one rule for readable download names."""
import re
import unicodedata
from urllib.parse import quote

from flask import current_app

from rakor.core.formatting import local_date


def content_disposition(filename: str, inline: bool = False) -> str:
    """attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded (RFC 6266/5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._()\- ]", "_", ascii_name).strip() or "download"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_bytes(content, filename: str, mimetype: str, *, inline=False, cache="private, no-store"):
    """A response carrying `content` as a download named `filename`."""
    # A type that already names its charset is sent as given: as `mimetype`, werkzeug adds
    # "; charset=utf-8" to every text/* type again ("text/csv; charset=utf-8; charset=utf-8").
    if ";" in mimetype:
        response = current_app.response_class(content, content_type=mimetype)
    else:
        response = current_app.response_class(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def slugify(text, max_length=60):
    """ASCII words joined by '-', cut at a word boundary within `max_length`."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(text) > max_length:
        cut = text[:max_length + 1]  # one more: a word ending exactly at the limit is whole
        # Back to the last word boundary; one word longer than the limit is cut as it must be.
        text = cut.rsplit("-", 1)[0] if "-" in cut else text[:max_length]
    return text.rstrip("-") or "rapat"


def meeting_filename(prefix, meeting, extension):
    """'daftar-hadir-2024-02-01-rapat-koordinasi-bidang-ppm.pdf'."""
    day = local_date(meeting.starts_at, meeting.timezone).isoformat()
    return f"{prefix}-{day}-{slugify(meeting.title)}.{extension}"
