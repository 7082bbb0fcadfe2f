"""The surat undangan (invitation letter) of a meeting, as Permendagri 1/2023 lays out a letter:
kop; place and date; nomor, sifat, lampiran, hal; "Yth." addressees (the invited agencies, or
"daftar terlampir" when they are many); the body (day and date, time, place, agenda, dress code,
contact); the signature of the head of the organizing agency (jabatan, name, pangkat/golongan,
NIP); tembusan; then the attachments: the list of addressees and the susunan acara.

The letter becomes final when it is sent: `number_letter` gives it its number from the
organizer's register (or registers the number the committee typed from the central mail
office) and writes it to the meeting's letter number. Until then it prints as a DRAF."""
from babel.dates import format_date
from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from rakor.core.errors import DomainError
from rakor.core.formatting import format_time, local_date, to_zone, zone_abbreviation
from rakor.core.phones import format_phone
from rakor.core.text import clean_text
from rakor.core.types import utcnow
from rakor.documents.formatting import LOCALE, format_nip
from rakor.documents.pdf import render_pdf as render_document
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.meetings.queries import agenda_of
from rakor.numbering import queries as numbering_queries
from rakor.numbering import services as numbering
from rakor.participants.models import LETTER_NATURES, Invitation, InvitationLetter, SeatQuota
from rakor.regions.letterhead import letterhead_for
from rakor.regions.models import Agency, Region

TEMPLATE = "documents/invitation.html"
# More addressees than this and the Yth. block says "daftar terlampir", the list is attached.
LISTED_AT_MOST = 3
NUMBER_WORDS = ("nol", "satu", "dua", "tiga", "empat", "lima")


# --- what the letter is, and its number ------------------------------------------------------------

def letter_key(meeting) -> str:
    return numbering.document_key("invitation", meeting.id)


def letter_of(meeting) -> InvitationLetter:
    """The meeting's letter settings; defaults (not added to the session) when none were saved."""
    return db.session.get(InvitationLetter, meeting.id) or InvitationLetter(meeting_id=meeting.id, nature="Biasa")


def registered_number(meeting):
    """The register line of the meeting's letter, or None while it is unnumbered (a draft)."""
    return numbering_queries.number_for(meeting.organizer_agency_id, letter_key(meeting))


def invited_agencies(meeting_id) -> list[Agency]:
    """The agencies the meeting invites (a seat quota or an unrevoked invitation link), by region code."""
    quota = exists().where(SeatQuota.meeting_id == meeting_id, SeatQuota.agency_id == Agency.id)
    link = exists().where(Invitation.meeting_id == meeting_id, Invitation.agency_id == Agency.id,
                          Invitation.revoked_at.is_(None))
    return list(db.session.scalars(select(Agency).join(Region, Agency.region_id == Region.id)
                                   .where(or_(quota, link)).order_by(Region.kemendagri_code, Agency.name)))


def addressee_of(agency) -> str:
    """A letter is addressed to the head of the agency: 'Kepala Bappeda Kabupaten Kotabaru'."""
    return f"Kepala {agency.name}"


def _subject(meeting) -> str:
    return f"Undangan {meeting.title}"


def _addressee_summary(agencies) -> str:
    if not agencies:
        return ""
    if len(agencies) > LISTED_AT_MOST:
        return f"{len(agencies)} instansi (daftar terlampir)"
    return "; ".join(addressee_of(a) for a in agencies)


def number_letter(meeting, *, by_user=None, typed=None, at=None):
    """Number the letter (it is being sent): the number already registered for it; else `typed`
    or the letter number the committee wrote on the meeting, registered as given by the central
    mail office; else the next number of the organizer's register. The meeting's letter number
    is set to it."""
    existing = registered_number(meeting)
    if existing is not None and not (typed or "").strip():
        return existing
    wanted = (typed or "").strip() or (meeting.letter_number or "").strip()
    common = {"key": letter_key(meeting), "subject": _subject(meeting), "meeting_id": meeting.id,
              "addressee": _addressee_summary(invited_agencies(meeting.id)), "by_user": by_user, "at": at}
    if wanted:
        entry = numbering.record_number(meeting.organizer_agency_id, "invitation", wanted, **common)
    else:
        entry = numbering.reserve_number(meeting.organizer_agency_id, "invitation", **common)
    meeting.letter_number = entry.number
    db.session.flush()
    return entry


def save_letter(meeting, *, nature, place=None, copies=None) -> InvitationLetter:
    """The letter's sifat, place and tembusan (one per line). Flushes; DomainError names the field."""
    if nature not in LETTER_NATURES:
        raise DomainError(_l("Choose the nature of the letter."), field="nature")
    place = clean_text(place or "").strip() or None
    if place and len(place) > 100:
        raise DomainError(_l("At most %(n)d characters.", n=100), field="place")
    lines = [clean_text(line).strip() for line in (copies or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 15 or any(len(line) > 200 for line in lines):
        raise DomainError(_l("At most 15 lines of at most 200 characters each."), field="copies")
    letter = db.session.get(InvitationLetter, meeting.id)
    if letter is None:
        letter = InvitationLetter(meeting_id=meeting.id)
        db.session.add(letter)
    letter.nature, letter.place, letter.copies = nature, place, "\n".join(lines) or None
    db.session.flush()
    return letter


# --- the document ----------------------------------------------------------------------------------

def _count_words(n) -> str:
    """'1 (satu) berkas' as letters write counts."""
    return f"{n} ({NUMBER_WORDS[n]})" if n < len(NUMBER_WORDS) else str(n)


def _place(letter, organizer, meeting) -> str:
    """Where the letter is dated: as set, else the organizer's town (a regency or city), else
    the meeting's city."""
    if letter.place:
        return letter.place
    region = organizer.region
    if region.kind in ("kabupaten", "kota"):
        return region.name.removeprefix("Kabupaten ").removeprefix("Kota ")
    return (meeting.city or "").removeprefix("Kabupaten ").removeprefix("Kota ") or region.name


def _time_line(meeting) -> str:
    tz = meeting.timezone
    start = format_time(meeting.starts_at, tz, LOCALE, with_zone=False)
    zone = zone_abbreviation(tz, meeting.starts_at)
    if meeting.open_end:
        return f"{start} {zone} s.d. selesai"
    return f"{start} \u2013 {format_time(meeting.ends_at, tz, LOCALE, with_zone=False)} {zone}"


def _day_line(meeting) -> str:
    tz = meeting.timezone
    start, end = local_date(meeting.starts_at, tz), local_date(meeting.ends_at, tz)
    day = format_date(start, "EEEE, d MMMM y", locale=LOCALE)
    if end != start:
        day = f"{day} s.d. {format_date(end, 'EEEE, d MMMM y', locale=LOCALE)}"
    return day


def _agenda_rows(meeting):
    rows = []
    for item in agenda_of(meeting.id):
        when = ""
        if item.starts_at is not None:
            when = format_time(item.starts_at, meeting.timezone, LOCALE, with_zone=False)
            when += (f" \u2013 {format_time(item.ends_at, meeting.timezone, LOCALE, with_zone=False)}"
                     if item.ends_at else "")
        rows.append({"time": when, "title": item.title, "presenter": item.presenter or "",
                     "description": item.description or ""})
    return rows


def _signer(organizer) -> dict:
    return {"position": organizer.head_position or f"Kepala {organizer.name}",
            "name": organizer.head_name, "rank": organizer.head_rank,
            "nip": format_nip(organizer.head_nip) if organizer.head_nip else None}


def invitation_context(meeting, user=None):
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    letter = letter_of(meeting)
    entry = registered_number(meeting)
    dated = to_zone(entry.reserved_at if entry else utcnow(), meeting.timezone).date()
    agencies = invited_agencies(meeting.id)
    listed = len(agencies) > LISTED_AT_MOST
    agenda = _agenda_rows(meeting)
    attachments = int(listed) + int(bool(agenda))
    contact = None
    if meeting.contact_name or meeting.contact_phone:
        contact = " ".join(p for p in (meeting.contact_name,
                                       f"({format_phone(meeting.contact_phone)})" if meeting.contact_phone else None)
                           if p)
    return {
        "meeting": meeting, "organizer": organizer, "letterhead": letterhead_for(organizer),
        "document_title": "Surat Undangan",
        "number": entry.number if entry else None, "is_draft": entry is None,
        "place": _place(letter, organizer, meeting),
        "date": format_date(dated, "d MMMM y", locale=LOCALE),
        "nature": letter.nature or "Biasa",
        "attachment_count": f"{_count_words(attachments)} berkas" if attachments else "\u2013",
        "subject": _subject(meeting),
        "addressees": [addressee_of(a) for a in agencies], "listed": listed,
        "day": _day_line(meeting), "time": _time_line(meeting),
        "venue": ", ".join(p for p in (meeting.venue, meeting.city) if p),
        "agenda": agenda, "contact": contact, "signer": _signer(organizer),
        "copies": letter.copy_lines,
    }


def invitation_pdf(meeting) -> bytes:
    """The letter's PDF, rendered once per request (every invitation e-mail of one "send all"
    carries the same letter)."""
    cache = g.setdefault("_invitation_letters", {})
    entry = registered_number(meeting)
    key = (meeting.id, entry.number if entry else None)
    if key not in cache:
        cache[key] = render_document(TEMPLATE, **invitation_context(meeting))
    return cache[key]


INVITATION = DocumentKind(
    name="invitation", title="Surat Undangan", filename_prefix="surat-undangan", template=TEMPLATE,
    context=invitation_context, permission="meeting.view", label=_l("Invitation letter (PDF)"),
)
