"""Daftar hadir (attendance sheet) of a meeting, a document kind registered by
`rakor.participants.init_app`, printed as a secretariat prints it: the organiser's letterhead
(logo, address line), the delegates ordered by agency (region code) then name, the resource
persons and the committee each in their own section, numbered blank rows for walk-ins that fill
the last page, and the chair's signature block. The signature column alternates left/right.
Optional columns: ?columns=gender,phone (L/P, phone number).

Who reads what (issue 8, defect 7). The committee, leadership and administrators get the full
sheet: they run the meeting and sign off its attendance. A delegate gets the sheet too, but
other agencies' lines carry only the name and the agency: their NIPs, positions and phone
numbers are left out. UU 27/2022 (Pelindungan Data Pribadi) asks that personal data be
processed only as far as the purpose needs. A delegate's purpose is to check its own agency's
delegates before the meeting and to see who attends; a NIP (which encodes birth date and sex),
a position or a phone number of another agency's official serve neither, and the delegate's
participants page already shows its own agency only. Names and agencies stay: they are what the
paper sheet shows everyone who signs it in the room, and without them the sheet no longer says
who attends. A delegate is still given a sheet, not refused, because checking its own lines on
the document the meeting will use is what it needs it for."""
import math

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.formatting import format_date_medium, format_number, format_time, local_date
from rakor.core.types import utcnow
from rakor.documents.formatting import LOCALE, Signatory, format_nip, meeting_when, place_date_line
from rakor.documents.pdf import layout
from rakor.documents.pdf import render_pdf as render_document
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.participants.models import Participant
from rakor.participants.normalize import format_phone, told_apart
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP
from rakor.regions.letterhead import letterhead_for
from rakor.regions.models import Agency, Region

TEMPLATE = "documents/attendance.html"
FULL_SHEET_ROLES = (ADMIN, COMMITTEE, LEADERSHIP)
OPTIONAL_COLUMNS = ("gender", "phone")
DEFAULT_COLUMNS = ("phone",)
# Sections after the delegates, by meeting role; delegates ('peserta') come first.
SECTIONS = (
    ("narasumber", "Narasumber", "narasumber", ("narasumber",)),
    ("panitia", "Pimpinan Rapat, Panitia dan Notulis", "pimpinan/panitia/notulis", ("pimpinan", "panitia", "notulis")),
)

# Counting the blank rows (see blank_rows_for): the row height of static/css/documents.css and
# the page's bottom edge; the rest is measured.
MM_PER_PX = 25.4 / 96  # WeasyPrint's positions are CSS pixels
PAGE_BOTTOM_MARGIN_MM = 16  # @page margin-bottom
PAGE_CONTENT_MM = 297 - 14 - PAGE_BOTTOM_MARGIN_MM  # A4 less the top and bottom margins
ROW_MM = 12.5  # table.attendance tbody tr
SPARE_MM = 2  # rounding in the layout
MIN_BLANK_ROWS = 3  # fewer would be no help: start a fresh page of them instead
# From this many rows the walk-in rows are not measured (see blank_rows_for): a page of their own,
# under a heading and the closing block of at most this height.
MEASURE_LIMIT = 150
WALK_IN_OVERHEAD_MM = 80


def attendance_rows(meeting_id, details_of=None, roles=("peserta",), timezone=None):
    """One query: registered participants of these meeting roles with their agency, by region
    code, agency, name. `details_of(agency_id) -> bool` says whose NIP, position, rank and phone
    are printed (default: all).

    One person registered twice (a row copied in a spreadsheet before the import refused it:
    same agency and name, no NIP or email telling them apart) is printed once, present when
    either record was checked in: a document never lists the same official twice. `checked_in`
    is the time the desk marked them present ('08.12 WITA', the desk's own time for marks synced
    from an offline desk), in `timezone`."""
    stmt = (
        select(Participant.name, Participant.nip, Participant.email,
               Participant.position, Participant.rank, Participant.agency_id, Participant.gender,
               Participant.phone, Participant.meeting_role, Participant.checked_in_at,
               Agency.name.label("agency"), Region.kemendagri_code)
        .join(Agency, Agency.id == Participant.agency_id)
        .join(Region, Region.id == Agency.region_id)
        .where(Participant.meeting_id == meeting_id, Participant.status == "registered",
               Participant.meeting_role.in_(roles))
        .order_by(Region.kemendagri_code, Agency.name, Participant.sort_name, Participant.id)
    )
    people, same_name = [], {}  # [[record, its twins...]], (agency, name) -> those groups
    for r in db.session.execute(stmt):
        key = (r.agency_id, r.name.lower())
        group = next((g for g in same_name.get(key, ()) if not told_apart((g[0].nip, g[0].email), (r.nip, r.email))),
                     None)
        if group is None:
            group = [r]
            same_name.setdefault(key, []).append(group)
            people.append(group)
        else:
            group.append(r)
    rows = []
    for i, group in enumerate(people, start=1):
        r = group[0]

        def first(column, group=group):
            return next((getattr(g, column) for g in group if getattr(g, column)), None)
        shown = details_of is None or details_of(r.agency_id)
        checked_at = min((g.checked_in_at for g in group if g.checked_in_at is not None), default=None)
        rows.append({"no": i, "name": r.name, "nip": format_nip(first("nip")) if shown else "",
                     "position": (first("position") or "") if shown else "",
                     "rank": (first("rank") or "") if shown else "", "agency": r.agency,
                     "gender": first("gender") or "", "phone": format_phone(first("phone")) if shown else "",
                     "role": r.meeting_role, "withheld": not shown,
                     "present": checked_at is not None,
                     "checked_in": format_time(checked_at, timezone, locale=LOCALE) if checked_at else "",
                     "checked_in_time": format_time(checked_at, timezone, locale=LOCALE, with_zone=False)
                     if checked_at else ""})
    return rows


def _details_of(user):
    """None when `user` reads the full sheet (None: the command line's operator); otherwise
    which agencies' NIPs and positions `user` may read: its own only."""
    if user is None or getattr(user, "role", None) in FULL_SHEET_ROLES:
        return None
    own = getattr(user, "agency_id", None)
    return lambda agency_id: own is not None and agency_id == own


def chosen_columns(options) -> tuple:
    """'gender,phone' (any order, any case, unknown names ignored) -> ('gender', 'phone').
    The phone column is always there (issue 17): the committee calls a delegate back from the
    sheet, as every paper daftar hadir allows."""
    asked = {c.strip().lower() for c in ((options or {}).get("columns") or "").split(",")}
    return tuple(c for c in OPTIONAL_COLUMNS if c in asked or c in DEFAULT_COLUMNS)


def attendance_context(meeting, user=None, options=None):
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    details_of = _details_of(user)
    rows = attendance_rows(meeting.id, details_of, timezone=meeting.timezone)
    sections = []
    for key, title, short, roles in SECTIONS:
        section_rows = attendance_rows(meeting.id, details_of, roles, timezone=meeting.timezone)
        if section_rows:
            sections.append({"key": key, "title": title, "short": short, "rows": section_rows})
    everyone = rows + [r for s in sections for r in s["rows"]]
    day, time_range = meeting_when(meeting)
    place = ", ".join(p for p in (meeting.venue, meeting.city) if p)
    context = {
        "meeting": meeting, "organizer": organizer,
        "letterhead": letterhead_for(organizer),
        "rows": rows, "sections": sections, "columns": chosen_columns(options),
        "day": day, "time_range": time_range, "place": place,
        "total": format_number(len(everyone), locale=LOCALE),  # '1.000'
        "agency_count": len({r["agency"] for r in everyone}),
        "role_counts": {s["key"]: len(s["rows"]) for s in sections},
        "delegate_count": len(rows),
        "document_title": "Daftar Hadir",
        "printed_on": format_date_medium(local_date(utcnow(), meeting.timezone), LOCALE),
        # The sheet is signed on the meeting's first day, at the documents' one place line.
        "place_date": place_date_line(meeting, organizer, local_date(meeting.starts_at, meeting.timezone)),
        "chair": Signatory.of(meeting.chair_name, meeting.chair_position, meeting.chair_rank, meeting.chair_nip),
        # Walk-ins are delegates too: their rows go on from the last registered delegate's number.
        "walk_in_start": len(rows) + 1,
        # The delegate's copy says what is left out, so that nobody reads a blank as missing data.
        "redacted": details_of is not None,
        "reader_agency": getattr(user, "agency", None) if details_of is not None else None,
        "blank_rows": 0, "blank_rows_new_page": False,
    }
    context["blank_rows"], context["blank_rows_new_page"] = blank_rows_for(context)
    return context


def attendance_size(context):
    """Rows the sheet prints: a big sheet is rendered by the document worker when there is one."""
    return len(context["rows"])


def blank_rows_for(context) -> tuple[int, bool]:
    """How many blank rows fill the last page under the sheet, leaving room for the closing
    block; or, when fewer than MIN_BLANK_ROWS would fit, a fresh page of them (new_page True).

    One layout pass of the sheet with an empty walk-in section says where the sheet ends on its
    last page (the `sheet-end` anchor) and how tall the walk-in section's head and the closing
    block are (their anchors' boxes); every blank row is ROW_MM high. A second pass to check
    would double the time for nothing: the rows have a fixed height."""
    if len(context["rows"]) >= MEASURE_LIMIT:
        # Measuring means laying the whole sheet out once more, in the request: for a long sheet
        # (which the document worker renders) the walk-in rows simply take a page of their own.
        return math.floor((PAGE_CONTENT_MM - WALK_IN_OVERHEAD_MM) / ROW_MM), True
    document = layout(TEMPLATE, **{**context, "blank_rows": 0, "measuring": True})
    found = {}
    for number, page in enumerate(document.pages):
        for name in ("sheet-end", "walk-ins", "closing"):
            if name in page.anchors:
                found[name] = (number, page.height, page.anchors[name])
    if len(found) < 3:
        return 0, False
    _page, page_height, (_x, end, _x2, _y2) = found["sheet-end"]

    def height(name):
        _n, _h, (_x, top, _x2, bottom) = found[name]
        return (bottom - top) * MM_PER_PX

    overhead = height("walk-ins") + height("closing") + SPARE_MM
    room = page_height * MM_PER_PX - PAGE_BOTTOM_MARGIN_MM - end * MM_PER_PX - overhead
    fits = math.floor(room / ROW_MM) if room > 0 else 0
    if fits >= MIN_BLANK_ROWS:
        return fits, False
    return math.floor((PAGE_CONTENT_MM - overhead) / ROW_MM), True


def render_attendance(meeting, user=None, options=None) -> bytes:
    return render_document(TEMPLATE, **attendance_context(meeting, user, options))


ATTENDANCE = DocumentKind(
    name="attendance", title="Daftar Hadir", filename_prefix="daftar-hadir", template=TEMPLATE,
    context=attendance_context, permission="meeting.view", label=_l("Attendance sheet (PDF)"),
    size=attendance_size,
    options=("columns",),
)
