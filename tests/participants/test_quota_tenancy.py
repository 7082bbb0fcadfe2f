"""Which agencies a meeting's quota (and so its invitations) may name, under tenancy (issue 22): a
scoped committee is offered the agencies its organizer invites (every agency of the organizer's
region and of the regions under it, and the offices under the organizer); the server refuses any
other, in Indonesian; an instance-wide committee is offered every agency, as before."""
import re

from sqlalchemy import select

from rakor.extensions import db
from rakor.participants.models import SeatQuota
from tests.factories import make_user, two_organizers
from tests.helpers import client_of


def offered(client, meeting):
    page = client.get(f"/meetings/{meeting.id}/quotas").get_data(as_text=True)
    form = page[page.index('name="agency_id"'):]
    form = form[:form.index("</select>")]
    return {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', form)}


def quotas_of(meeting):
    return {q.agency_id: q.seats for q in db.session.scalars(select(SeatQuota).where(SeatQuota.meeting_id == meeting.id))}


def test_a_regency_committee_is_offered_its_own_region_and_offices_only(app):
    s = two_organizers("92")
    db.session.commit()
    got = offered(client_of(app, s.committee_a), s.meeting_a)
    assert {s.agency_a.id, s.office_a.id} <= got
    assert not got & {s.agency_b.id, s.office_b.id, s.province_agency.id}


def test_the_province_committee_is_offered_its_regencies_and_their_offices(app):
    s = two_organizers("91")
    db.session.commit()
    got = offered(client_of(app, s.committee_p), s.meeting_p)
    assert {s.province_agency.id, s.agency_a.id, s.agency_b.id, s.office_a.id, s.office_b.id} <= got


def test_an_instance_wide_committee_is_offered_every_agency(app):
    s = two_organizers("89")
    wide = make_user("committee")
    db.session.commit()
    got = offered(client_of(app, wide), s.meeting_a)
    assert {s.province_agency.id, s.agency_a.id, s.agency_b.id, s.office_a.id, s.office_b.id} <= got


def test_the_server_refuses_an_agency_outside_the_offered_list(app):
    s = two_organizers("88")
    db.session.commit()
    client = client_of(app, s.committee_a)
    before = quotas_of(s.meeting_a)

    one = client.post(f"/meetings/{s.meeting_a.id}/quotas/set", data={"agency_id": s.office_b.id, "seats": "3"})
    assert one.status_code == 422 and "Pilihan tidak valid." in one.get_data(as_text=True)

    table = client.post(f"/meetings/{s.meeting_a.id}/quotas/save",
                        data={f"seats-{s.office_a.id}": "5", f"seats-{s.office_b.id}": "3"})
    assert table.status_code == 422
    assert "tidak termasuk instansi yang diundang oleh penyelenggara" in table.get_data(as_text=True)
    assert quotas_of(s.meeting_a) == before  # all or nothing: office A's 5 seats were not saved either

    # The province's planning agencies, at once: only those the regency invites (itself), not B.
    client.post(f"/meetings/{s.meeting_a.id}/quotas/province", data={"seats": "2"})
    assert s.agency_b.id not in quotas_of(s.meeting_a)

    allowed = client.post(f"/meetings/{s.meeting_a.id}/quotas/set", data={"agency_id": s.office_a.id, "seats": "6"})
    assert allowed.status_code == 302 and quotas_of(s.meeting_a)[s.office_a.id] == 6
