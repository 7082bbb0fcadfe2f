"""The agencies' address book: the admin and the committee keep each agency's contacts (name,
jabatan, e-mail, WhatsApp) between meetings; new invitation links go to the primary contact,
the links page and the move notice open a WhatsApp chat with them."""
import re

import pytest
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.extensions import db as _db
from rakor.participants import contacts, invitations
from rakor.participants.contacts import ContactData
from rakor.regions.models import AgencyContact
from tests.factories import make_agency, make_quota


def test_the_first_contact_is_primary_and_making_another_primary_moves_it(db):
    agency = make_agency()
    first = contacts.save_contact(agency, None, ContactData(name="Rina", email="Rina@Uji.go.id"))
    second = contacts.save_contact(agency, None, ContactData(name="Amir", whatsapp="0812-3456-7890"))
    assert (first.is_primary, second.is_primary) == (True, False)
    assert first.email == "rina@uji.go.id" and second.whatsapp == "+6281234567890"
    contacts.save_contact(agency, second, ContactData(name="Amir", whatsapp="0812-3456-7890", is_primary=True))
    assert [(c.name, c.is_primary) for c in contacts.contacts_of(agency.id)] == [("Amir", True), ("Rina", False)]
    contacts.delete_contact(second)
    assert [(c.name, c.is_primary) for c in contacts.contacts_of(agency.id)] == [("Rina", True)]


@pytest.mark.parametrize("data,field", [
    (ContactData(name="", email="a@b.go.id"), "name"),
    (ContactData(name="Rina"), "email"),                      # no way to reach them
    (ContactData(name="Rina", email="bukan surel"), "email"),
    (ContactData(name="Rina", whatsapp="12"), "whatsapp"),
])
def test_a_contact_without_name_or_a_way_to_reach_them_is_refused(db, data, field):
    with pytest.raises(DomainError) as info:
        contacts.save_contact(make_agency(), None, data)
    assert info.value.field == field


def test_the_committee_keeps_the_book_and_a_refused_form_keeps_what_was_typed(client, login_as, db):
    agency = make_agency(name="Bappeda Kabupaten Buku")
    _db.session.commit()
    login_as("committee")
    book = client.get("/admin/contacts")
    assert book.status_code == 200 and "Bappeda Kabupaten Buku" in book.get_data(as_text=True)
    refused = client.post(f"/admin/agencies/{agency.id}/contacts/new",
                          data={"name": "Pak Amir", "position": "Kasubbag Umum", "email": "bukan"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'value="Kasubbag Umum"' in html and "bukan" in html
    saved = client.post(f"/admin/agencies/{agency.id}/contacts/new",
                        data={"name": "Pak Amir", "position": "Kasubbag Umum", "email": "amir@uji.go.id",
                              "whatsapp": "0812 1111 2222"})
    assert saved.status_code == 302
    row = _db.session.scalar(select(AgencyContact).where(AgencyContact.agency_id == agency.id))
    assert (row.name, row.whatsapp, row.is_primary) == ("Pak Amir", "+6281211112222", True)
    assert "https://wa.me/6281211112222" in client.get("/admin/contacts").get_data(as_text=True)


def test_delegates_and_leadership_do_not_see_the_book(client, login_as, db):
    agency = make_agency()
    contact = contacts.save_contact(agency, None, ContactData(name="Rina", email="rina@uji.go.id"))
    _db.session.commit()
    for role in ("delegate", "leadership"):
        login_as(role, agency=agency if role == "delegate" else None)
        assert client.get("/admin/contacts").status_code == 403
        assert client.post(f"/admin/contacts/{contact.id}/delete").status_code == 403


def test_new_links_go_to_the_primary_contact_and_offer_their_whatsapp(client, login_as, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1), make_quota(m, a2)
    contacts.save_contact(a1, None, ContactData(name="Bu Rina", email="rina@uji1.go.id",
                                                whatsapp="0812-3456-7890"))
    _db.session.commit()
    login_as("committee")
    html = client.post(f"/meetings/{m.id}/invitations/all").get_data(as_text=True)
    made = {inv.agency_id: inv for inv in _db.session.scalars(
        select(invitations.Invitation).where(invitations.Invitation.meeting_id == m.id))}
    assert (made[a1.id].contact_name, made[a1.id].contact_email) == ("Bu Rina", "rina@uji1.go.id")
    assert made[a2.id].contact_email is None
    chats = re.findall(r'href="(https://wa\.me/6281234567890\?text=[^"]+)"', html)
    assert len(chats) == 1 and "Bu Rina" in html
