"""The monitoring report as an official document: its letter elements (addressee, place, the
signing officer, tembusan, the committee's conclusions) and issuing it.

"Issued" means the committee's explicit "Terbitkan laporan": the report is a snapshot of
figures that change with every progress update, so a number reserved on every download would
burn numbers (never reused) and fill the register of outgoing letters with copies nobody sent.
Issuing checks that every element of the letter is there, reserves the number from the
organiser's numbering scheme, renders the PDF once with that number and the day's date, and
stores it; it is served byte for byte from then on. Every other download is a draft: no number,
"DRAF" across each page. A meeting may issue several reports over time (one per quarter, say),
each with its own number.
"""
import hashlib
import io
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.core.text import clean_text
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.numbering import services as numbering
from rakor.policy import COMMITTEE
from rakor.progress import workdays
from rakor.progress.models import MonitoringLetter, MonitoringReport
from rakor.regions.models import Agency

LETTER_FIELDS = ("addressee", "addressee_place", "place", "signer_position", "signer_name", "signer_rank",
                 "signer_nip", "copies", "conclusions")
LIMITS = {"addressee": 300, "addressee_place": 100, "place": 100, "signer_position": 200, "signer_name": 200,
          "signer_rank": 100, "signer_nip": 18, "copies": 3000, "conclusions": 5000}
MULTILINE = ("copies", "conclusions")
# What an issued report cannot go without, and how the refusal names it.
REQUIRED = {
    "addressee": _l("the addressee (Yth.)"),
    "place": _l("the place of signing"),
    "signer_position": _l("the signing officer's position (jabatan)"),
    "signer_name": _l("the signing officer's name"),
    "signer_rank": _l("the signing officer's rank and grade (pangkat/golongan)"),
    "signer_nip": _l("the signing officer's NIP"),
}
NIP = re.compile(r"^[0-9]{18}$")
# Fields a new meeting takes over from its organiser's latest letter: who signs and to whom the
# agency reports do not change from one meeting to the next; the conclusions do.
CARRIED_OVER = ("addressee", "addressee_place", "place", "signer_position", "signer_name", "signer_rank",
                "signer_nip", "copies")
KIND_TITLES = {"provinsi": "Gubernur", "kabupaten": "Bupati", "kota": "Wali Kota"}
KIND_WORDS = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}


@dataclass
class LetterData:
    addressee: str | None = None
    addressee_place: str | None = None
    place: str | None = None
    signer_position: str | None = None
    signer_name: str | None = None
    signer_rank: str | None = None
    signer_nip: str | None = None
    copies: str | None = None
    conclusions: str | None = None


def head_of_region_title(region) -> str:
    """'Gubernur Kalimantan Selatan', 'Bupati Kotabaru', 'Wali Kota Banjarmasin': whom a regional
    planning agency reports to."""
    name = region.name
    word = KIND_WORDS.get(region.kind, "")
    if word and name.lower().startswith(word.lower() + " "):
        name = name[len(word) + 1:]
    return f"{KIND_TITLES.get(region.kind, 'Kepala Daerah')} {name}".strip()


def letter_of(meeting) -> MonitoringLetter | None:
    return db.session.get(MonitoringLetter, meeting.id)


def default_letter(meeting, organizer) -> LetterData:
    """What a meeting without its own letter starts from: its organiser's latest letter, else the
    head of the organiser's region as addressee and the head of the agency (as the administrator
    set it on the agency) as the signing officer. `meeting` None: a report across meetings (the
    dashboard's report of a year), which has no letter of its own."""
    stmt = select(MonitoringLetter).where(MonitoringLetter.organizer_agency_id == organizer.id)
    if meeting is not None:
        stmt = stmt.where(MonitoringLetter.meeting_id != meeting.id)
    latest = db.session.scalar(stmt.order_by(MonitoringLetter.updated_at.desc()).limit(1))
    if latest is not None:
        return LetterData(**{name: getattr(latest, name) for name in CARRIED_OVER})
    return LetterData(addressee=head_of_region_title(organizer.region),
                      signer_position=organizer.head_position, signer_name=organizer.head_name,
                      signer_rank=organizer.head_rank, signer_nip=organizer.head_nip)


def letter_data(meeting, organizer=None) -> LetterData:
    """The meeting's letter as it stands, or its defaults."""
    letter = letter_of(meeting)
    if letter is None:
        return default_letter(meeting, organizer or db.session.get(Agency, meeting.organizer_agency_id))
    return LetterData(**{name: getattr(letter, name) for name in LETTER_FIELDS})


def _clean(data: LetterData) -> dict:
    values = {}
    for name in LETTER_FIELDS:
        value = getattr(data, name)
        value = clean_text(str(value), multiline=name in MULTILINE).strip() if value is not None else ""
        if name == "signer_nip":
            value = re.sub(r"\s+", "", value)
            if value and not NIP.match(value):
                raise DomainError(_l("A NIP has exactly 18 digits."), field=name)
        if len(value) > LIMITS[name]:
            raise DomainError(_l("At most %(n)d characters.", n=LIMITS[name]), field=name)
        values[name] = value or None
    return values


def save_letter(meeting, data: LetterData, by_user) -> MonitoringLetter:
    """Keep the meeting's letter elements; incomplete is fine until the report is issued."""
    values = _clean(data)
    letter = letter_of(meeting)
    if letter is None:
        letter = MonitoringLetter(meeting_id=meeting.id)
        db.session.add(letter)
    letter.organizer_agency_id = meeting.organizer_agency_id
    for name, value in values.items():
        setattr(letter, name, value)
    letter.updated_by_id = getattr(by_user, "id", None)
    letter.updated_at = utcnow()
    db.session.flush()
    return letter


def missing(data: LetterData) -> list:
    """The required elements the letter lacks, in the order the form asks for them."""
    return [label for name, label in REQUIRED.items() if not getattr(data, name)]


def copies_of(data: LetterData) -> list[str]:
    """Tembusan, one addressee a line; leading numbers or bullets typed by hand are dropped."""
    lines = (re.sub(r"^\s*(?:\d+[.)]|[-*•])\s*", "", line).strip() for line in (data.copies or "").splitlines())
    return [line for line in lines if line]


def reserve_number(meeting, letter, by_user, typed=None) -> str:
    """The report's number from the organiser's register (rakor/numbering): the next of the
    agency's yearly sequence, or the number the committee typed from the agency's central mail
    office. Each issue of a meeting's report is its own document in the register."""
    issue_no = 1 + len(db.session.scalars(select(MonitoringReport.id).where(
        MonitoringReport.meeting_id == meeting.id)).all())
    key = numbering.document_key("monitoring", meeting.id, issue_no)
    subject = f"Laporan Monitoring Kesepakatan {meeting.title}"
    options = {"key": key, "subject": subject, "addressee": letter.addressee, "meeting_id": meeting.id,
               "by_user": by_user}
    if typed and typed.strip():
        return numbering.record_number(meeting.organizer_agency_id, "monitoring", typed, **options).number
    return numbering.reserve_number(meeting.organizer_agency_id, "monitoring", **options).number


def issue(meeting, by_user, render, today=None, typed_number=None) -> MonitoringReport:
    """Number, render and store the report. `render(number, issued_on) -> PDF bytes` is the
    document's own renderer (progress.documents), given by the caller so this module stays
    below the documents it serves. `typed_number`: a number from the central mail office."""
    if getattr(by_user, "role", None) != COMMITTEE:
        raise DomainError(_l("Only the committee issues the monitoring report."))
    # Two committee members issuing at once: the second waits here, then counts the first's
    # report and gets the next document key (and number).
    db.session.scalar(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    letter = letter_of(meeting)
    if letter is None:
        raise DomainError(_l("Fill in the report's addressee, place and signing officer first."))
    lacking = missing(letter)
    if lacking:
        raise DomainError(_l("The report cannot be issued without %(what)s.", what=", ".join(str(x) for x in lacking)))
    today = today or workdays.today()
    number = reserve_number(meeting, letter, by_user, typed_number)
    content = render(number, today)
    report = MonitoringReport(meeting_id=meeting.id, number=number, as_of=today,
                              issued_by_id=getattr(by_user, "id", None), issued_at=utcnow(),
                              sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                              pages=len(PdfReader(io.BytesIO(content)).pages), content=content)
    db.session.add(report)
    db.session.flush()
    return report
