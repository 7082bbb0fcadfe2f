"""QR codes of participants' badges, and what the check-in desk needs to know about the day."""
import segno
from markupsafe import Markup

from rakor.core.formatting import local_date
from rakor.core.types import utcnow
from rakor.core.urls import external_url

MAX_CODE_LENGTH = 64


def checkin_url(participant) -> str:
    """The absolute URL printed as the badge's QR code; only a committee account can confirm."""
    return external_url("participants.checkin_code", code=participant.checkin_code)


def qr_svg(data: str, scale: int = 4) -> Markup:
    """Inline SVG (no external file, prints sharp at any size). It has a viewBox and no fixed
    size: the page's CSS sizes it (badges.css)."""
    qr = segno.make_qr(data, error="m")
    return Markup(qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff", omitsize=True))


def before_meeting_day(meeting, now=None) -> bool:
    """Whether today, in the meeting's own time zone, is earlier than the meeting's first day.
    The desk still checks people in then (a rehearsal, an early arrival the evening before),
    but says so: a check-in on the wrong day is usually a tap on the wrong meeting."""
    now = now or utcnow()
    return local_date(now, meeting.timezone) < local_date(meeting.starts_at, meeting.timezone)
