"""Delegation invitation links: created by the committee, shown once, stored as a hash; the
agency's contact registers its delegation up to the quota without an account."""
import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import config
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.participants import invitations as inv_service
from rakor.participants.models import Invitation, Participant
from tests.factories import make_agency, make_meeting, make_participant, make_quota

TOKEN_RE = re.compile(r"/i/([A-Za-z0-9_-]{43})\b")


def registered(meeting, agency=None):
    stmt = select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id,
                                                    Participant.status == "registered")
    if agency is not None:
        stmt = stmt.where(Participant.agency_id == agency.id)
    return _db.session.scalar(stmt)


def delegate(**overrides):
    data = {"name": "Drs. H. Said Akhmad, MM", "nip": "", "position": "Kepala Bappeda",
            "phone": "081234567890", "email": "", "gender": "L"}
    data.update(overrides)
    return data


@pytest.fixture
def invited(province_meeting):
    """(meeting, agency, token) with 2 seats for agency 1 and 4 for agency 2."""
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1, seats=2)
    make_quota(m, a2, seats=4)
    _inv, token = inv_service.create_invitation(m, a1)
    return m, a1, a2, token


def test_committee_creates_a_link_shown_once_only_the_hash_is_stored(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/invitations",
                           data={"agency_id": a.id, "contact_name": "Ibu Rina", "contact_email": "rina@x.go.id"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = TOKEN_RE.search(html).group(1)
    inv = _db.session.scalar(select(Invitation).where(Invitation.meeting_id == m.id))
    assert inv.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in inv.token_hash and inv.expires_at == m.starts_at
    assert (inv.contact_name, inv.contact_email) == ("Ibu Rina", "rina@x.go.id")
    listing = client.get(f"/meetings/{m.id}/invitations").get_data(as_text=True)
    assert token not in listing and "Aktif" in listing
    assert client.get(f"/i/{token}").status_code == 200


def test_regenerate_revokes_the_old_link(client, login_as, invited):
    m, a1, _a2, old = invited
    login_as("committee")
    inv = _db.session.scalar(select(Invitation).where(Invitation.meeting_id == m.id))
    html = client.post(f"/meetings/{m.id}/invitations/{inv.id}/regenerate").get_data(as_text=True)
    new = TOKEN_RE.search(html).group(1)
    assert new != old
    gone = client.get(f"/i/{old}")
    assert gone.status_code == 410 and "tidak berlaku lagi" in gone.get_data(as_text=True)
    assert client.get(f"/i/{new}").status_code == 200


def test_revoke_and_create_all(client, login_as, invited):
    m, a1, a2, token = invited
    login_as("committee")
    inv = _db.session.scalar(select(Invitation).where(Invitation.meeting_id == m.id))
    assert client.post(f"/meetings/{m.id}/invitations/{inv.id}/revoke").status_code == 302
    assert client.get(f"/i/{token}").status_code == 410
    html = client.post(f"/meetings/{m.id}/invitations/all").get_data(as_text=True)
    assert len(set(TOKEN_RE.findall(html))) == 2  # a1 (revoked) and a2 (none)
    html = client.post(f"/meetings/{m.id}/invitations/all", follow_redirects=True).get_data(as_text=True)
    assert "sudah memiliki tautan aktif" in html


def test_no_invitation_without_a_quota_and_bad_inputs(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    other = make_agency()
    login_as("committee")
    url = f"/meetings/{m.id}/invitations"
    assert client.post(url, data={"agency_id": other.id}).status_code == 422  # not a choice
    html = client.post(url, data={"agency_id": a.id, "contact_email": "rina@"}).get_data(as_text=True)
    assert "Alamat email tidak valid." in html
    html = client.post(url, data={"agency_id": a.id, "expires_on": "2020-01-01"}).get_data(as_text=True)
    assert "Batas berlaku harus di masa mendatang." in html
    html = client.post(url, data={"agency_id": a.id, "expires_on": "kemarin"}).get_data(as_text=True)
    assert "Tulis tanggal sebagai hh-bb-tttt, mis. 05-03-2030." in html  # says how, keeps what was typed
    assert 'value="kemarin"' in html
    assert _db.session.scalar(select(func.count(Invitation.id))) == 0


def test_public_page_shows_the_meeting_and_only_its_agency(client, invited, db):
    m, a1, a2, token = invited
    make_participant(m, a2, name="Rahasia Instansi Lain")
    from rakor.meetings.models import AgendaItem

    _db.session.add(AgendaItem(meeting_id=m.id, position=1, title="Paparan data kemiskinan 2023"))
    _db.session.flush()
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "Paparan data kemiskinan 2023" in html
    assert m.title in html and a1.name in html and "Aula Bappeda" in html
    assert "Kuota peserta: 2, terisi: 0, sisa: 2." in html
    assert a2.name not in html and a2.short_name not in html and "Rahasia Instansi Lain" not in html
    # Indonesian date of the meeting.
    from rakor.core.formatting import format_date_long, to_zone

    assert format_date_long(to_zone(m.starts_at, m.timezone), locale="id") in html


def test_contact_registers_up_to_the_quota_then_is_told_it_is_full(client, invited):
    m, a1, a2, token = invited
    for name in ("Drs. H. Said Akhmad, MM", "Rahmiyanti Janoezir P., S.T., M.A."):
        assert client.post(f"/i/{token}", data=delegate(name=name)).status_code == 302
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "sisa: 0" in html and "Kuota penuh" in html and 'id="delegate-form"' not in html
    response = client.post(f"/i/{token}", data=delegate(name="Orang Ketiga"))
    assert response.status_code == 422 and "Kuota penuh" in response.get_data(as_text=True)
    assert registered(m, a1) == 2
    p = _db.session.scalar(select(Participant).where(Participant.name == "Rahmiyanti Janoezir P., S.T., M.A."))
    assert (p.registered_via, p.agency_id, p.meeting_role) == ("invitation", a1.id, "peserta")
    assert p.invitation_id is not None


def test_contact_errors_are_on_their_fields(client, invited):
    m, a1, _a2, token = invited
    html = client.post(f"/i/{token}", data=delegate(nip="12345678901234567")).get_data(as_text=True)
    assert "NIP terdiri dari tepat 18 angka." in html and 'value="12345678901234567"' in html
    assert registered(m) == 0


def test_contact_edits_and_cancels_its_delegates_only(client, invited):
    m, a1, a2, token = invited
    client.post(f"/i/{token}", data=delegate(name="Budi"))
    mine = _db.session.scalar(select(Participant).where(Participant.name == "Budi"))
    theirs = make_participant(m, a2, name="Bukan Milikmu")
    other_meeting = make_participant(make_meeting(), a1, name="Rapat Lain")
    assert client.post(f"/i/{token}/participants/{mine.id}/edit",
                       data=delegate(name="Budi Santoso, S.T.")).status_code == 302
    _db.session.refresh(mine)
    assert mine.name == "Budi Santoso, S.T."
    for p in (theirs, other_meeting):
        assert client.get(f"/i/{token}/participants/{p.id}/edit").status_code == 404
        assert client.post(f"/i/{token}/participants/{p.id}/edit", data=delegate(name="X")).status_code == 404
        assert client.post(f"/i/{token}/participants/{p.id}/cancel").status_code == 404
    _db.session.refresh(theirs)
    assert theirs.name == "Bukan Milikmu" and theirs.status == "registered"
    assert client.post(f"/i/{token}/participants/{mine.id}/cancel").status_code == 302
    _db.session.refresh(mine)
    assert mine.status == "cancelled"


def test_unknown_expired_and_revoked_tokens_get_clear_pages(client, invited):
    m, a1, _a2, token = invited
    unknown = client.get("/i/" + "x" * 43)
    assert unknown.status_code == 404 and "Tautan undangan tidak dikenali" in unknown.get_data(as_text=True)
    assert client.get("/i/" + "y" * 500).status_code == 404
    assert client.post("/i/nope", data=delegate()).status_code == 404
    inv = _db.session.scalar(select(Invitation).where(Invitation.meeting_id == m.id))
    inv.expires_at = utcnow() - timedelta(minutes=1)
    _db.session.flush()
    expired = client.get(f"/i/{token}")
    assert expired.status_code == 410 and "sudah kedaluwarsa" in expired.get_data(as_text=True)
    assert client.post(f"/i/{token}", data=delegate()).status_code == 410
    inv.expires_at = utcnow() + timedelta(days=1)
    inv.revoked_at = utcnow()
    _db.session.flush()
    assert client.get(f"/i/{token}/account").status_code == 410
    assert registered(m) == 0


def test_registration_window(client, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    _inv, token = inv_service.create_invitation(m, a)
    m.registration_opens_at = utcnow() + timedelta(days=1)
    _db.session.flush()
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "Pendaftaran belum dibuka." in html and 'id="delegate-form"' not in html
    response = client.post(f"/i/{token}", data=delegate())
    assert response.status_code == 422 and "Pendaftaran belum dibuka." in response.get_data(as_text=True)
    m.registration_opens_at = utcnow() - timedelta(days=2)
    m.registration_closes_at = utcnow() - timedelta(days=1)
    _db.session.flush()
    response = client.post(f"/i/{token}", data=delegate())
    assert response.status_code == 422 and "Pendaftaran sudah ditutup." in response.get_data(as_text=True)
    assert client.post(f"/i/{token}/participants/1/cancel").status_code == 404
    assert registered(m) == 0


def test_claim_a_delegate_account_for_the_agency(client, invited):
    from rakor.auth.models import User

    m, a1, _a2, token = invited
    html = client.post(f"/i/{token}/account", data={"name": "Rina", "email": "rina@kotabaru.go.id",
                                                     "password": "password", "confirm": "password"}
                       ).get_data(as_text=True)
    assert "kata sandi" in html.lower() and _db.session.scalar(select(User).where(User.email == "rina@kotabaru.go.id")) is None
    response = client.post(f"/i/{token}/account", data={
        "name": "Rina Marlina, S.E.", "email": "Rina@Kotabaru.go.id",
        "password": "Rencana-Pembangunan-2024", "confirm": "Rencana-Pembangunan-2024"})
    assert response.status_code == 302 and response.location == f"/meetings/{m.id}/participants"
    user = _db.session.scalar(select(User).where(User.email == "rina@kotabaru.go.id"))
    assert (user.role, user.agency_id) == ("delegate", a1.id)
    # Signed in: the delegate now manages its agency's delegation with the account.
    assert client.get(f"/meetings/{m.id}/participants").status_code == 200


def test_invitation_pages_are_rate_limited(app, client, invited):
    from rakor.extensions import limiter

    _m, _a1, _a2, token = invited
    app.config["INVITATION_RATE_LIMIT"] = "5 per minute"
    limiter.reset()
    try:
        codes = [client.get(f"/i/{token}").status_code for _ in range(3)]
        codes += [client.get("/i/" + "z" * 43).status_code for _ in range(3)]
    finally:
        app.config["INVITATION_RATE_LIMIT"] = config.TestConfig.INVITATION_RATE_LIMIT
        limiter.reset()
    assert codes == [200, 200, 200, 404, 404, 429]
