"""Reading the register."""
from sqlalchemy import select, true
from sqlalchemy.orm import selectinload

from rakor.auth import tenancy
from rakor.extensions import db
from rakor.numbering.models import RegisteredNumber
from rakor.regions.models import Agency, Region


def number_for(agency_id, key) -> RegisteredNumber | None:
    """The register line of document `key`, if it has a number."""
    return db.session.scalar(select(RegisteredNumber).where(
        RegisteredNumber.agency_id == agency_id, RegisteredNumber.document_key == key))


def numbers_for_meeting(meeting_id) -> dict[str, RegisteredNumber]:
    """Every number given to a meeting's documents, by document key (one query)."""
    return {r.document_key: r for r in db.session.scalars(
        select(RegisteredNumber).where(RegisteredNumber.meeting_id == meeting_id))}


def register_statement(agency_id, year):
    """The register of an agency's year in the order the numbers were given."""
    return (select(RegisteredNumber)
            .where(RegisteredNumber.agency_id == agency_id, RegisteredNumber.year == year)
            .options(selectinload(RegisteredNumber.reserved_by))
            .order_by(RegisteredNumber.reserved_at, RegisteredNumber.id))


def register_years(agency_id) -> list[int]:
    return list(db.session.scalars(
        select(RegisteredNumber.year).where(RegisteredNumber.agency_id == agency_id).distinct()
        .order_by(RegisteredNumber.year.desc())))


def numbering_agencies(user=None) -> list[Agency]:
    """The agencies that may number documents: the planning agencies (the organizers) whose
    registers `user` sees (rakor/auth/tenancy.py; all without a user), by region code."""
    seen = tenancy.sight_condition(user, Agency.id) if user is not None else true()
    return list(db.session.scalars(
        select(Agency).join(Region, Agency.region_id == Region.id)
        .where(Agency.is_planning_agency.is_(True), seen).order_by(Region.kemendagri_code, Agency.name)))
