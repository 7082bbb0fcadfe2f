"""The address book under tenancy (issue 22): a contact belongs to an organizing agency's book. A
scoped committee sees and edits its own agencies' books, for the agencies its organizers invite;
the shared book of before tenancy (contacts without an owner) it may read but not change; an
instance-wide account sees and edits every book, and what it adds goes to the shared book."""
from sqlalchemy import select

from rakor.extensions import db
from rakor.participants import contacts
from rakor.participants.contacts import ContactData
from rakor.regions.models import AgencyContact
from tests.factories import make_user, two_organizers
from tests.helpers import client_of


def _book(s):
    s.shared = contacts.save_contact(s.office_a, None, ContactData(name="Ibu Bersama", email="bersama@uji.go.id"))
    s.own_a = contacts.save_contact(s.office_a, None, ContactData(name="Pak Milik A", email="a@uji.go.id"),
                                    owner_id=s.agency_a.id)
    s.own_b = contacts.save_contact(s.office_b, None, ContactData(name="Pak Milik B", email="b@uji.go.id"),
                                    owner_id=s.agency_b.id)
    db.session.commit()
    return s


def test_a_scoped_committee_sees_its_own_book_and_reads_the_shared_one(app):
    s = _book(two_organizers("87"))
    page = client_of(app, s.committee_a).get("/admin/contacts").get_data(as_text=True)
    assert "Pak Milik A" in page and "Ibu Bersama" in page
    assert "Pak Milik B" not in page and s.office_b.name not in page  # not an agency A invites
    assert f"/admin/contacts/{s.own_a.id}/edit" in page
    assert f"/admin/contacts/{s.shared.id}/edit" not in page  # read only


def test_a_scoped_committee_cannot_change_another_book_or_the_shared_one(app):
    s = _book(two_organizers("86"))
    client = client_of(app, s.committee_a)
    for contact in (s.own_b, s.shared):
        assert client.get(f"/admin/contacts/{contact.id}/edit").status_code == 404
        assert client.post(f"/admin/contacts/{contact.id}/edit",
                           data={"name": "Diubah", "email": "x@uji.go.id"}).status_code == 404
        assert client.post(f"/admin/contacts/{contact.id}/delete").status_code == 404
    assert db.session.get(AgencyContact, s.own_b.id).name == "Pak Milik B"
    assert db.session.get(AgencyContact, s.shared.id) is not None
    assert client.get(f"/admin/agencies/{s.office_b.id}/contacts/new").status_code == 404


def test_what_a_scoped_committee_adds_goes_to_its_own_agencys_book(app):
    s = _book(two_organizers("85"))
    client = client_of(app, s.committee_a)
    saved = client.post(f"/admin/agencies/{s.office_a.id}/contacts/new",
                        data={"name": "Bu Baru", "email": "baru@uji.go.id", "is_primary": "y"})
    assert saved.status_code == 302
    row = db.session.scalar(select(AgencyContact).where(AgencyContact.name == "Bu Baru"))
    assert row.owner_agency_id == s.agency_a.id and row.is_primary
    # One primary per book: A's earlier primary is not any more; the shared book keeps its own.
    assert not db.session.get(AgencyContact, s.own_a.id).is_primary
    assert db.session.get(AgencyContact, s.shared.id).is_primary
    edited = client.post(f"/admin/contacts/{s.own_a.id}/edit", data={"name": "Pak Milik A", "email": "a2@uji.go.id"})
    db.session.expire_all()  # the request changed it in its own session
    assert edited.status_code == 302 and db.session.get(AgencyContact, s.own_a.id).email == "a2@uji.go.id"


def test_an_instance_wide_committee_sees_and_edits_every_book(app):
    s = _book(two_organizers("84"))
    wide = make_user("committee")
    db.session.commit()
    client = client_of(app, wide)
    page = client.get("/admin/contacts").get_data(as_text=True)
    for name in ("Pak Milik A", "Pak Milik B", "Ibu Bersama"):
        assert name in page
    assert client.post(f"/admin/contacts/{s.own_b.id}/edit",
                       data={"name": "Pak Milik B", "email": "b2@uji.go.id"}).status_code == 302
    client.post(f"/admin/agencies/{s.office_b.id}/contacts/new", data={"name": "Bu Pusat", "email": "p@uji.go.id"})
    assert db.session.scalar(select(AgencyContact).where(AgencyContact.name == "Bu Pusat")).owner_agency_id is None


def test_invitations_take_the_organizers_own_primary_contact_else_the_shared_one(app):
    s = _book(two_organizers("83"))
    assert contacts.primary_contacts([s.office_a.id], s.agency_a.id)[s.office_a.id].name == "Pak Milik A"
    assert contacts.primary_contacts([s.office_a.id], s.agency_b.id)[s.office_a.id].name == "Ibu Bersama"
    assert contacts.primary_contacts([s.office_b.id], s.agency_a.id) == {}  # B's book is B's
