"""Daftar hadir (attendance sheet) of a meeting: one line per registered participant, ordered
by agency (region code) then name, with the signature column alternating left/right."""
from sqlalchemy import select

from rakor.core.formatting import (
    format_date_long,
    format_date_medium,
    format_number,
    format_time,
    local_date,
    zone_abbreviation,
)
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.participants.models import Participant
from rakor.regions.models import Agency, Region

from .letterhead import letterhead_for

LOCALE = "id"  # documents are Indonesian, whoever downloads them


def format_nip(nip):
    """'196805121993031007' -> '19680512 199303 1 007' (birth date, appointment, sex, number)."""
    if not nip or len(nip) != 18:
        return nip or ""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def meeting_when(meeting, locale=LOCALE):
    """('Kamis, 1 Februari 2024', '08.30 – 16.00 WITA') in the meeting's zone."""
    tz = meeting.timezone
    start_day, end_day = local_date(meeting.starts_at, tz), local_date(meeting.ends_at, tz)
    day = format_date_long(start_day, locale)
    if end_day != start_day:
        day = f"{day} s.d. {format_date_long(end_day, locale)}"
    start = format_time(meeting.starts_at, tz, locale, with_zone=False)
    end = format_time(meeting.ends_at, tz, locale, with_zone=False)
    return day, f"{start} – {end} {zone_abbreviation(tz, meeting.starts_at)}"


def attendance_rows(meeting_id):
    """One query: registered participants with their agency, by region code, agency, name."""
    stmt = (
        select(Participant.name, Participant.nip, Participant.position, Agency.name.label("agency"),
               Region.kemendagri_code)
        .join(Agency, Agency.id == Participant.agency_id)
        .join(Region, Region.id == Agency.region_id)
        .where(Participant.meeting_id == meeting_id, Participant.status == "registered")
        .order_by(Region.kemendagri_code, Agency.name, Participant.name, Participant.id)
    )
    return [
        {"no": i, "name": r.name, "nip": format_nip(r.nip), "position": r.position or "",
         "agency": r.agency}
        for i, r in enumerate(db.session.execute(stmt), start=1)
    ]


def attendance_context(meeting):
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    rows = attendance_rows(meeting.id)
    day, time_range = meeting_when(meeting)
    place = ", ".join(p for p in (meeting.venue, meeting.city) if p)
    return {
        "meeting": meeting, "letterhead": letterhead_for(organizer), "organizer": organizer,
        "rows": rows, "day": day, "time_range": time_range, "place": place,
        "total": format_number(len(rows), locale=LOCALE),  # '1.000'
        "agency_count": len({r["agency"] for r in rows}),
        "document_title": "Daftar Hadir",
        "printed_on": format_date_medium(local_date(utcnow(), meeting.timezone), LOCALE),
    }


def render_attendance(meeting) -> bytes:
    from rakor.documents.pdf import render_pdf

    return render_pdf("documents/attendance.html", **attendance_context(meeting))
