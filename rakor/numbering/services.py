"""Giving numbers. Functions flush and raise DomainError; callers commit.

API for the features that number their documents:

    reserve_number(agency_id, kind, *, key, subject, ...) -> RegisteredNumber
        the document's number from the agency's sequence (its existing number when `key`
        already has one); `.number` is the text to print.
    record_number(agency_id, kind, number, *, key, subject, ...) -> RegisteredNumber
        a number typed by the committee (from the central mail office) for the document.
    document_key(kind, meeting_id, *parts) -> 'minutes:meeting:12:v2'

Race-proof: every reservation of an agency first locks the agency's row (SELECT ... FOR
UPDATE on PostgreSQL; SQLite serialises writers anyway), so two requests never read the same
sequence value or register the same document twice; unique constraints on (agency, number),
(agency, document) and (agency, year, sequence) back this up in the database."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.core.formatting import to_zone
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.numbering.models import (
    DEFAULT_TEMPLATE,
    DocumentKind,
    NumberingScheme,
    NumberSequence,
    RegisteredNumber,
)
from rakor.numbering.schemes import check_template, clean_number, format_number
from rakor.regions.models import Agency


class NumberTakenError(DomainError):
    """The number typed is already in the agency's register (a number is never given twice)."""


def document_key(kind, meeting_id, *parts) -> str:
    """The register's name of a document: 'invitation:meeting:12', 'minutes:meeting:12:v2'."""
    return ":".join([DocumentKind(kind).value, "meeting", str(meeting_id), *map(str, parts)])


def _lock_agency(agency_id):
    """Serialises the numbering of one agency until the caller's transaction ends."""
    if db.session.scalar(select(Agency.id).where(Agency.id == agency_id).with_for_update()) is None:
        raise DomainError(_l("Unknown agency."))


def _existing(agency_id, key):
    return db.session.scalar(select(RegisteredNumber).where(
        RegisteredNumber.agency_id == agency_id, RegisteredNumber.document_key == key))


def _number_taken(agency_id, number):
    return db.session.scalar(select(RegisteredNumber).where(
        RegisteredNumber.agency_id == agency_id, RegisteredNumber.number == number))


def scheme_of(agency_id) -> NumberingScheme:
    """The agency's scheme; a transient default one (not added to the session) when it has none."""
    return db.session.get(NumberingScheme, agency_id) or NumberingScheme(agency_id=agency_id,
                                                                          template=DEFAULT_TEMPLATE)


def local_now(at=None) -> datetime:
    return to_zone(at or utcnow(), current_app.config.get("DEFAULT_TIMEZONE") or "Asia/Makassar")


def _clip(text, length):
    text = " ".join(str(text or "").split())
    return text[: length - 1] + "\u2026" if len(text) > length else text


def reserve_number(agency_id, kind, *, key, subject, addressee=None, meeting_id=None, by_user=None,
                   at=None) -> RegisteredNumber:
    """The next number of the agency's sequence for the document `key`, registered; the number
    it already has when it has one. The year is the local year of `at` (default: now)."""
    kind = DocumentKind(kind)
    _lock_agency(agency_id)
    existing = _existing(agency_id, key)
    if existing is not None:
        return existing
    day = local_now(at)
    template = check_template(scheme_of(agency_id).template_for(kind))
    sequence = db.session.get(NumberSequence, (agency_id, day.year), with_for_update=True)
    if sequence is None:
        sequence = NumberSequence(agency_id=agency_id, year=day.year, last_value=0)
        db.session.add(sequence)
    while True:  # skip a number the mail office already gave by hand
        sequence.last_value += 1
        number = format_number(template, sequence.last_value, day.date())
        if _number_taken(agency_id, number) is None:
            break
    entry = RegisteredNumber(
        agency_id=agency_id, year=day.year, seq=sequence.last_value, number=number, kind=kind.value,
        document_key=key, subject=_clip(subject, 300), addressee=_clip(addressee, 300) or None,
        meeting_id=meeting_id, is_manual=False, reserved_at=at or utcnow(),
        reserved_by_id=getattr(by_user, "id", None))
    db.session.add(entry)
    db.session.flush()
    return entry


def record_number(agency_id, kind, number, *, key, subject, addressee=None, meeting_id=None,
                  by_user=None, at=None) -> RegisteredNumber:
    """Register `number` (given by the agency's central mail office) for the document `key`.
    Refused when another document has that number, or when the document is numbered already
    with another number (a number in the register never changes)."""
    kind = DocumentKind(kind)
    number = clean_number(number)
    _lock_agency(agency_id)
    existing = _existing(agency_id, key)
    if existing is not None:
        if existing.number == number:
            return existing
        raise DomainError(_l("This document already has the number %(number)s; a registered number "
                             "does not change.", number=existing.number), field="number")
    taken = _number_taken(agency_id, number)
    if taken is not None:
        raise NumberTakenError(_l("The number %(number)s is already in the register (%(subject)s); "
                                  "a number is never given twice.", number=number, subject=taken.subject),
                               field="number")
    day = local_now(at)
    entry = RegisteredNumber(
        agency_id=agency_id, year=day.year, seq=None, number=number, kind=kind.value, document_key=key,
        subject=_clip(subject, 300), addressee=_clip(addressee, 300) or None, meeting_id=meeting_id,
        is_manual=True, reserved_at=at or utcnow(), reserved_by_id=getattr(by_user, "id", None))
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class SchemeData:
    template: str
    invitation_template: str | None = None
    agreement_template: str | None = None
    minutes_template: str | None = None
    monitoring_template: str | None = None


def save_scheme(agency_id, data: SchemeData) -> NumberingScheme:
    """Set the agency's templates (each must contain {seq}); an empty kind template uses the
    general one. Numbers already given stay as they are."""
    values = {"template": check_template(data.template, field="template")}
    for kind in DocumentKind:
        name = f"{kind.value}_template"
        text = (getattr(data, name) or "").strip()
        values[name] = check_template(text, field=name) if text else None
    scheme = db.session.get(NumberingScheme, agency_id)
    if scheme is None:
        scheme = NumberingScheme(agency_id=agency_id)
        db.session.add(scheme)
    for name, value in values.items():
        setattr(scheme, name, value)
    db.session.flush()
    return scheme

