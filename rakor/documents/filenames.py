"""Safe, readable download names: 'daftar-hadir-2024-02-01-rapat-koordinasi-bidang-ppm.pdf'."""
import re
import unicodedata

from rakor.core.formatting import local_date


def slugify(text, max_length=60):
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:max_length].rstrip("-") or "rapat"


def meeting_filename(prefix, meeting, extension):
    day = local_date(meeting.starts_at, meeting.timezone).isoformat()
    return f"{prefix}-{day}-{slugify(meeting.title)}.{extension}"
