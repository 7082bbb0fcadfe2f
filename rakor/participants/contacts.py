"""The agencies' address book: the people the committee reaches at each agency, kept between
meetings (no more Excel sheet of WhatsApp numbers beside Rakor).

An agency has one *primary* contact: new invitation links are addressed to them when the
committee names nobody else, "create the missing links" uses them, and the WhatsApp buttons open
a chat with their number. Editable by the admin and the committee.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.auth.services import normalise_email
from rakor.core.errors import DomainError
from rakor.core.phones import normalize_phone
from rakor.core.text import clean_text
from rakor.extensions import db
from rakor.regions.models import Agency, AgencyContact


@dataclass
class ContactData:
    name: str
    position: str | None = None
    email: str | None = None
    whatsapp: str | None = None
    is_primary: bool = False


LIMITS = {"name": 200, "position": 200}


def _values(data: ContactData) -> dict:
    values = {}
    for name in ("name", "position"):
        value = (clean_text(getattr(data, name) or "").strip()) or None
        if value is not None and len(value) > LIMITS[name]:
            raise DomainError(_l("At most %(n)d characters.", n=LIMITS[name]), field=name)
        values[name] = value
    if not values["name"]:
        raise DomainError(_l("Enter the contact's name."), field="name")
    try:
        values["email"] = normalise_email(data.email, validate=True)
    except DomainError as error:
        error.field = "email"
        raise
    values["whatsapp"] = normalize_phone(data.whatsapp, field="whatsapp")
    if not (values["email"] or values["whatsapp"]):
        raise DomainError(_l("Give an e-mail address or a WhatsApp number, or both."), field="email")
    values["is_primary"] = bool(data.is_primary)
    return values


def contacts_of(agency_id) -> list[AgencyContact]:
    return db.session.scalars(
        select(AgencyContact).where(AgencyContact.agency_id == agency_id)
        .order_by(AgencyContact.is_primary.desc(), AgencyContact.name, AgencyContact.id)).all()


def primary_contacts(agency_ids) -> dict[int, AgencyContact]:
    """agency id -> its primary contact, for the agencies that have one (one query)."""
    ids = list(agency_ids)
    if not ids:
        return {}
    return {c.agency_id: c for c in db.session.scalars(
        select(AgencyContact).where(AgencyContact.agency_id.in_(ids), AgencyContact.is_primary))}


def _make_only_primary(contact: AgencyContact):
    for other in contacts_of(contact.agency_id):
        if other.id != contact.id and other.is_primary:
            other.is_primary = False
    contact.is_primary = True


def save_contact(agency: Agency, contact: AgencyContact | None, data: ContactData) -> AgencyContact:
    """Add a contact to `agency` (contact None) or change one; the first contact of an agency is
    its primary one, and making a contact primary makes it the only one."""
    values = _values(data)
    if contact is None:
        if not contacts_of(agency.id):
            values["is_primary"] = True
        contact = AgencyContact(agency_id=agency.id, **values)
        db.session.add(contact)
    elif contact.agency_id != agency.id:
        raise DomainError(_l("This contact belongs to another agency."))
    for name, value in values.items():
        setattr(contact, name, value)
    db.session.flush()
    if contact.is_primary:
        _make_only_primary(contact)
    elif not any(c.is_primary for c in contacts_of(agency.id)):
        contact.is_primary = True  # an agency with contacts always has a primary one
    db.session.flush()
    return contact


def delete_contact(contact: AgencyContact):
    """Remove a contact; when it was the primary one, the next contact becomes primary."""
    agency_id, was_primary = contact.agency_id, contact.is_primary
    db.session.delete(contact)
    db.session.flush()
    if was_primary:
        rest = contacts_of(agency_id)
        if rest:
            rest[0].is_primary = True
            db.session.flush()
