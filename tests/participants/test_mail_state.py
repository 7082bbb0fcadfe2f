"""When mail is down, say so: the delegate's page follows the outbox's real state (sent, waiting,
failed), and the committee sees the meeting's failed e-mails on its page and sends them again."""
import pytest
from sqlalchemy import select

from rakor.extensions import db as _db
from rakor.mail.models import FAILED, SENT, OutboundMail
from rakor.participants import invitations as inv_service
from tests.factories import make_quota, make_user
from tests.helpers import client_of
from tests.mail import conftest as mail_conftest
from tests.mail.conftest import smtp_server  # noqa: F401  (the smtp_server fixture)


@pytest.fixture
def invited(province_meeting):
    m, a1 = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a1, seats=3)
    _inv, token = inv_service.create_invitation(m, a1)
    _db.session.commit()
    return m, token


REFUSED = "ditolak@bappeda-uji.go.id"  # a valid address the test server refuses (550)


@pytest.fixture(autouse=True)
def _refused(monkeypatch):
    monkeypatch.setattr(mail_conftest, "REFUSED", REFUSED)


def register(client, token, email, name="Ir. H. Rahmadi, M.T."):
    return client.post(f"/i/{token}", data={"name": name, "nip": "", "position": "Kabid PPM",
                                            "phone": "081234567890", "email": email, "gender": "L"},
                       follow_redirects=True).get_data(as_text=True)


def test_a_confirmation_the_server_accepted_is_said_sent(client, invited, smtp_server):  # noqa: F811
    _m, token = invited
    html = register(client, token, "rahmadi@bappeda-uji.go.id")
    assert "Konfirmasi beserta berkas kalender telah dikirim ke rahmadi@bappeda-uji.go.id." in html
    assert len(smtp_server.messages) == 1


def test_a_refused_confirmation_is_said_refused_and_the_committee_resends_it(app, client, invited, smtp_server):  # noqa: F811
    m, token = invited
    html = register(client, token, REFUSED)
    assert "telah dikirim" not in html
    assert f"Konfirmasi beserta berkas kalender tidak dapat dikirim ke {REFUSED}" in html
    assert "panitia melihat e-mail yang gagal" in html
    smtp_server.stop()  # the server is down for the next one
    html = register(client, token, "siti@bappeda-uji.go.id", name="Siti Aminah")
    assert "tidak dapat dikirim ke siti@bappeda-uji.go.id" in html
    failed = list(_db.session.scalars(select(OutboundMail).where(OutboundMail.status == FAILED)))
    assert len(failed) == 2

    committee = client_of(app, make_user("committee"))
    page = committee.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert 'id="failed-mails"' in page and REFUSED in page and "siti@bappeda-uji.go.id" in page
    assert f'action="/mail/meetings/{m.id}/retry"' in page
    for role in ("delegate", "leadership"):
        other = client_of(app, make_user(role))
        assert 'id="failed-mails"' not in other.get(f"/meetings/{m.id}").get_data(as_text=True)

    smtp_server.start()
    siti = next(f for f in failed if f.to_address == "siti@bappeda-uji.go.id")
    response = committee.post(f"/mail/{siti.id}/retry", data={"next": f"/meetings/{m.id}"}, follow_redirects=True)
    assert "E-mail telah terkirim." in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(OutboundMail, siti.id).status == SENT
    page = committee.get(f"/meetings/{m.id}").get_data(as_text=True)
    assert "siti@bappeda-uji.go.id" not in page and REFUSED in page  # the page moved on (kept pages too)

    response = committee.post(f"/mail/meetings/{m.id}/retry", data={"next": f"/meetings/{m.id}"},
                              follow_redirects=True)
    assert "0 e-mail terkirim; 1 masih belum dapat dikirim." in response.get_data(as_text=True)


def test_retry_of_a_meeting_is_for_the_committee_only(app, invited):
    m, _token = invited
    for role in ("delegate", "leadership", "admin"):
        assert client_of(app, make_user(role)).post(f"/mail/meetings/{m.id}/retry").status_code == 403
