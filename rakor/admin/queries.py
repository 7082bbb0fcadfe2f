"""What the admin pages list: users, agencies and regions."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.auth.models import User, user_managed_agency
from rakor.core.sql import contains, escape_like
from rakor.extensions import db
from rakor.regions.models import Agency, AgencyContact, Region


def users_statement(q=None):
    """Users by name; `q` matches name or email literally (a typed % or _ is itself)."""
    stmt = select(User).options(joinedload(User.agency)).order_by(User.name)
    if q:
        stmt = stmt.where(contains(User.name, q) | contains(User.email, q))
    return stmt


def agency_options():
    """Every agency in region-code order, as every list of agencies is (province first)."""
    return db.session.scalars(select(Agency).join(Agency.region).order_by(Region.kemendagri_code, Agency.name)).all()


def agencies_statement():
    return select(Agency).join(Agency.region).order_by(Region.kemendagri_code, Agency.name)


def region_options():
    return db.session.scalars(select(Region).order_by(Region.kemendagri_code)).all()


def provinces():
    return db.session.scalars(
        select(Region).where(Region.kind == "provinsi").order_by(Region.kemendagri_code)).all()


def regions_statement(province=None):
    """Regions by code; `province` ("63") keeps that province and its regencies and cities."""
    stmt = select(Region).order_by(Region.kemendagri_code)
    if province:
        stmt = stmt.where((Region.kemendagri_code == province)
                          | Region.kemendagri_code.like(f"{escape_like(province)}.%", escape="\\"))
    return stmt


def address_book(agency_ids=None, books=None):
    """(agencies by region code, {agency id: [contacts, primary first]}) in two queries; with
    `agency_ids` (SQL of agency ids) only those agencies, with `books` (a condition on
    AgencyContact) only those books' contacts (rakor/participants/contacts.py: tenancy)."""
    agencies_stmt = agencies_statement()
    contacts_stmt = select(AgencyContact).order_by(
        AgencyContact.agency_id, AgencyContact.is_primary.desc(), AgencyContact.name, AgencyContact.id)
    if agency_ids is not None:
        agencies_stmt = agencies_stmt.where(Agency.id.in_(agency_ids))
        contacts_stmt = contacts_stmt.where(AgencyContact.agency_id.in_(agency_ids))
    if books is not None:
        contacts_stmt = contacts_stmt.where(books)
    agencies = db.session.scalars(agencies_stmt).all()
    by_agency = {}
    for contact in db.session.scalars(contacts_stmt):
        by_agency.setdefault(contact.agency_id, []).append(contact)
    return agencies, by_agency


def extra_agency_ids(user):
    """The agencies `user` acts for beside its own (tenancy, rakor/auth/tenancy.py)."""
    return list(db.session.scalars(select(user_managed_agency.c.agency_id)
                                   .where(user_managed_agency.c.user_id == user.id)
                                   .order_by(user_managed_agency.c.agency_id)))


def planning_agencies():
    """The planning agencies (Bappeda), by region code: the parents offices are added under."""
    return db.session.scalars(select(Agency).join(Agency.region).where(Agency.is_planning_agency.is_(True))
                              .order_by(Region.kemendagri_code, Agency.name)).all()
