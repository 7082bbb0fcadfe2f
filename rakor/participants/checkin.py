"""QR codes of participants' badges and the check-in desk's search."""
import segno
from flask import url_for
from markupsafe import Markup
from sqlalchemy import func, or_, select

from rakor.participants.models import Participant
from rakor.regions.models import Agency

MAX_CODE_LENGTH = 64


def checkin_url(participant) -> str:
    """The absolute URL printed as the badge's QR code; only a committee account can confirm."""
    return url_for("participants.checkin_code", code=participant.checkin_code, _external=True)


def qr_svg(data: str, scale: int = 4) -> Markup:
    """Inline SVG (no external file, prints sharp at any size)."""
    qr = segno.make_qr(data, error="m")
    return Markup(qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff"))


def search_statement(meeting_id: int, q: str):
    """Registered participants of the meeting matching a name, NIP or agency fragment."""
    stmt = select(Participant).where(Participant.meeting_id == meeting_id,
                                     Participant.status == "registered")
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        agencies = select(Agency.id).where(or_(func.lower(Agency.name).like(like),
                                               func.lower(Agency.short_name).like(like)))
        stmt = stmt.where(or_(func.lower(Participant.name).like(like),
                              Participant.nip.like(f"%{q}%"),
                              Participant.agency_id.in_(agencies)))
    return stmt
