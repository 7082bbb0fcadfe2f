"""The agencies' address book: the people the committee reaches at each agency, kept between
meetings (no more Excel sheet of WhatsApp numbers beside Rakor).

An agency has one *primary* contact: new invitation links are addressed to them when the
committee names nobody else, "create the missing links" uses them, and the WhatsApp buttons open
a chat with their number. Editable by the admin and the committee.

Tenancy (issue 22): every organizing agency keeps its own book (`owner_agency_id`). A scoped
committee sees and changes the books of the agencies it acts for, listing the agencies they
invite; an instance-wide account (the administrator, a committee without an agency) sees and
changes every book. Contacts without an owner are the shared book of before tenancy: kept by
instance-wide accounts (what they add goes there), read by every committee, so that an
organizer without a contact of its own for an agency still reaches the shared one. Each book
has its own primary contact per agency; a meeting's invitations take its organizer's primary
contact, else the shared book's.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from rakor.auth import tenancy
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


def _in_book(owner_id):
    return AgencyContact.owner_agency_id.is_(None) if owner_id is None else AgencyContact.owner_agency_id == owner_id


def contacts_of(agency_id, owner_id=None) -> list[AgencyContact]:
    """The contacts of an agency in one book (`owner_id`'s; None: the shared book)."""
    return db.session.scalars(
        select(AgencyContact).where(AgencyContact.agency_id == agency_id, _in_book(owner_id))
        .order_by(AgencyContact.is_primary.desc(), AgencyContact.name, AgencyContact.id)).all()


def primary_contacts(agency_ids, owner_id=None) -> dict[int, AgencyContact]:
    """agency id -> its primary contact in `owner_id`'s book (a meeting's organizer), else in the
    shared book, for the agencies that have one (one query)."""
    ids = list(agency_ids)
    if not ids:
        return {}
    book = _in_book(None) if owner_id is None else (_in_book(None) | _in_book(owner_id))
    found = {}
    for contact in db.session.scalars(select(AgencyContact).where(
            AgencyContact.agency_id.in_(ids), AgencyContact.is_primary, book)):
        if contact.owner_agency_id is not None or contact.agency_id not in found:
            found[contact.agency_id] = contact
    return found


def owner_for(user):
    """The book what `user` adds goes to: its own agency's; the shared one when instance-wide."""
    return None if tenancy.instance_wide(user) else user.agency_id


def may_change(user, contact: AgencyContact) -> bool:
    """An instance-wide account every contact; a scoped committee those of its agencies' books."""
    if tenancy.instance_wide(user):
        return True
    return contact.owner_agency_id is not None and contact.owner_agency_id in tenancy.own_agency_ids(user)


def book_agencies(user):
    """SQL of the agency ids whose contacts `user` keeps (None: every agency): those the
    agencies it acts for invite."""
    if tenancy.instance_wide(user):
        return None
    return tenancy.invited_by(*tenancy.own_agency_ids(user))


def visible_books(user):
    """SQL condition on AgencyContact: the books `user` sees (every one when instance-wide)."""
    if tenancy.instance_wide(user):
        return None
    return _in_book(None) | AgencyContact.owner_agency_id.in_(sorted(tenancy.own_agency_ids(user)))


def _make_only_primary(contact: AgencyContact):
    for other in contacts_of(contact.agency_id, contact.owner_agency_id):
        if other.id != contact.id and other.is_primary:
            other.is_primary = False
    contact.is_primary = True


def save_contact(agency: Agency, contact: AgencyContact | None, data: ContactData,
                 owner_id=None) -> AgencyContact:
    """Add a contact to `agency` in `owner_id`'s book (contact None; None: the shared book) or
    change one (it stays in its book); the first contact of an agency in a book is its primary
    one, and making a contact primary makes it the only one of that book."""
    values = _values(data)
    if contact is None:
        if not contacts_of(agency.id, owner_id):
            values["is_primary"] = True
        contact = AgencyContact(agency_id=agency.id, owner_agency_id=owner_id, **values)
        db.session.add(contact)
    elif contact.agency_id != agency.id:
        raise DomainError(_l("This contact belongs to another agency."))
    for name, value in values.items():
        setattr(contact, name, value)
    db.session.flush()
    if contact.is_primary:
        _make_only_primary(contact)
    elif not any(c.is_primary for c in contacts_of(agency.id, contact.owner_agency_id)):
        contact.is_primary = True  # an agency with contacts always has a primary one per book
    db.session.flush()
    return contact


def delete_contact(contact: AgencyContact):
    """Remove a contact; when it was the primary one, the next contact of its book becomes primary."""
    agency_id, owner_id, was_primary = contact.agency_id, contact.owner_agency_id, contact.is_primary
    db.session.delete(contact)
    db.session.flush()
    if was_primary:
        rest = contacts_of(agency_id, owner_id)
        if rest:
            rest[0].is_primary = True
            db.session.flush()
