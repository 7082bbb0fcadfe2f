"""Every link that leaves the site is built on the configured BASE_URL, never on the Host the
request named (issue 19 item 8): the registration confirmation e-mail, the invitation link, the
e-ticket, the badge QR code and the calendar file's URL. A request for a host that is neither
BASE_URL's nor in TRUSTED_HOSTS is refused."""
import pytest
import segno
from sqlalchemy import select

from rakor.participants import invitations as inv_service
from rakor.participants.checkin import qr_svg
from rakor.participants.models import Participant
from tests.factories import make_participant, make_quota

BASE = "https://rakor.bappeda.example.go.id"
ALIAS = "alias.example"  # a trusted second name of the same server (e.g. the intranet's)


@pytest.fixture
def deployment(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    monkeypatch.setitem(app.config, "ALLOWED_HOSTS", ["rakor.bappeda.example.go.id", ALIAS, "localhost"])


@pytest.fixture
def outbox(app, monkeypatch):
    state = app.extensions["mailman"]
    monkeypatch.setattr(state, "outbox", [], raising=False)
    return state.outbox


def test_a_request_for_a_foreign_host_is_refused(client, db, deployment):
    assert client.get("/login", headers={"Host": "rakor.evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": ALIAS}).status_code == 200


def test_the_suite_and_development_refuse_foreign_hosts_by_default(client, db):
    assert client.get("/login", headers={"Host": "rakor.evil.example"}).status_code == 400


def test_the_confirmation_mail_links_to_base_url_whatever_the_host(client, db, province_meeting,
                                                                   deployment, outbox):
    m, a1 = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a1, seats=2)
    _inv, token = inv_service.create_invitation(m, a1)
    db.session.commit()
    response = client.post(f"/i/{token}", headers={"Host": ALIAS}, data={
        "name": "Ir. H. Rahmadi, M.T.", "nip": "", "position": "Kabid PPM", "phone": "081234567890",
        "email": "rahmadi@bappeda-uji.go.id", "gender": "L"})
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant).where(Participant.meeting_id == m.id))
    [message] = outbox
    assert f"{BASE}/t/{participant.checkin_code}" in message.body
    assert ALIAS not in message.body and "localhost" not in message.body


def test_invitation_link_ticket_qr_and_calendar_url_use_base_url(client, db, login_as, province_meeting,
                                                                 deployment, outbox):
    m, a1 = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a1, seats=2)
    p = make_participant(m, a1, name="Drs. H. Said Akhmad, MM")
    db.session.commit()
    login_as("committee")
    # Signed in on the test client's host, localhost: trusted, yet never in a link.
    badge = client.get(f"/meetings/{m.id}/participants/{p.id}/badge")
    assert str(qr_svg(f"{BASE}/c/{p.checkin_code}")) in badge.get_data(as_text=True)
    assert segno.make_qr(f"{BASE}/c/{p.checkin_code}", error="m").designator
    ics = client.get(f"/meetings/{m.id}/calendar.ics").get_data(as_text=True)
    assert f"URL:{BASE}/meetings/{m.id}" in ics.replace("\r\n ", "")
    from rakor.participants.views.invitation_pages import ticket_url
    from rakor.participants.views.invitations import invitation_url

    with client.application.test_request_context("/", base_url=f"http://{ALIAS}"):
        assert invitation_url("abc") == f"{BASE}/i/abc"
        assert ticket_url(p) == f"{BASE}/t/{p.checkin_code}"


def test_external_url_works_outside_a_request_with_a_path_prefix(app, db, monkeypatch):
    from rakor.core.urls import deployment_domain, external_url

    monkeypatch.setitem(app.config, "BASE_URL", "https://bappeda.example.go.id/rakor/")
    assert external_url("documents.verify", code="AbC") == "https://bappeda.example.go.id/rakor/v/AbC"
    assert deployment_domain() == "bappeda.example.go.id"
