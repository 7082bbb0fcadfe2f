"""Daftar hadir (attendance sheet) of a meeting, a document kind registered by
`rakor.participants.init_app`: one line per registered participant, ordered by agency (region
code) then name, with the signature column alternating left/right.

Who reads what (issue 8, defect 7). The committee, leadership and administrators get the full
sheet: they run the meeting and sign off its attendance. A delegate gets the sheet too, but
other agencies' lines carry only the name and the agency: their NIPs and positions are left
out. UU 27/2022 (Pelindungan Data Pribadi) asks that personal data be processed only as far as
the purpose needs. A delegate's purpose is to check its own agency's delegates before the
meeting and to see who attends; a NIP (which encodes birth date and sex) and a position of
another agency's official serve neither, and the delegate's participants page already shows
its own agency only. Names and agencies stay: they are what the paper sheet shows everyone who
signs it in the room, and without them the sheet no longer says who attends. A delegate is
still given a sheet, not refused, because checking its own lines on the document the meeting
will use is what it needs it for."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.formatting import format_date_medium, format_number, local_date
from rakor.core.types import utcnow
from rakor.documents.formatting import LOCALE, format_nip, meeting_when
from rakor.documents.letterhead import letterhead_for
from rakor.documents.pdf import render_pdf
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.participants.models import Participant
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP
from rakor.regions.models import Agency, Region

TEMPLATE = "documents/attendance.html"
FULL_SHEET_ROLES = (ADMIN, COMMITTEE, LEADERSHIP)


def attendance_rows(meeting_id, details_of=None):
    """One query: registered participants with their agency, by region code, agency, name.
    `details_of(agency_id) -> bool` says whose NIP and position are printed (default: all)."""
    stmt = (
        select(Participant.name, Participant.nip, Participant.position, Participant.agency_id,
               Participant.checked_in_at, Agency.name.label("agency"), Region.kemendagri_code)
        .join(Agency, Agency.id == Participant.agency_id)
        .join(Region, Region.id == Agency.region_id)
        .where(Participant.meeting_id == meeting_id, Participant.status == "registered")
        .order_by(Region.kemendagri_code, Agency.name, Participant.name, Participant.id)
    )
    rows = []
    for i, r in enumerate(db.session.execute(stmt), start=1):
        shown = details_of is None or details_of(r.agency_id)
        rows.append({"no": i, "name": r.name, "nip": format_nip(r.nip) if shown else "",
                     "position": (r.position or "") if shown else "", "agency": r.agency,
                     "withheld": not shown, "present": r.checked_in_at is not None})
    return rows


def _details_of(user):
    """None when `user` reads the full sheet (None: the command line's operator); otherwise
    which agencies' NIPs and positions `user` may read: its own only."""
    if user is None or getattr(user, "role", None) in FULL_SHEET_ROLES:
        return None
    own = getattr(user, "agency_id", None)
    return lambda agency_id: own is not None and agency_id == own


def attendance_context(meeting, user=None):
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    details_of = _details_of(user)
    rows = attendance_rows(meeting.id, details_of)
    day, time_range = meeting_when(meeting)
    place = ", ".join(p for p in (meeting.venue, meeting.city) if p)
    return {
        "meeting": meeting, "letterhead": letterhead_for(organizer), "organizer": organizer,
        "rows": rows, "day": day, "time_range": time_range, "place": place,
        "total": format_number(len(rows), locale=LOCALE),  # '1.000'
        "agency_count": len({r["agency"] for r in rows}),
        "document_title": "Daftar Hadir",
        "printed_on": format_date_medium(local_date(utcnow(), meeting.timezone), LOCALE),
        # The delegate's copy says what is left out, so that nobody reads a blank as missing data.
        "redacted": details_of is not None,
        "reader_agency": getattr(user, "agency", None) if details_of is not None else None,
    }


def render_attendance(meeting, user=None) -> bytes:
    return render_pdf(TEMPLATE, **attendance_context(meeting, user))


ATTENDANCE = DocumentKind(
    name="attendance", title="Daftar Hadir", filename_prefix="daftar-hadir", template=TEMPLATE,
    context=attendance_context, permission="meeting.view", label=_l("Attendance sheet (PDF)"),
)
