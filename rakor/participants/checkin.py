"""QR codes of participants' badges."""
import segno
from flask import url_for
from markupsafe import Markup

MAX_CODE_LENGTH = 64


def checkin_url(participant) -> str:
    """The absolute URL printed as the badge's QR code; only a committee account can confirm."""
    return url_for("participants.checkin_code", code=participant.checkin_code, _external=True)


def qr_svg(data: str, scale: int = 4) -> Markup:
    """Inline SVG (no external file, prints sharp at any size)."""
    qr = segno.make_qr(data, error="m")
    return Markup(qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff"))
