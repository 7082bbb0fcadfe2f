"""What the invitation page tells an agency (committee contact, map, calendar, dress code,
letter number, online link, agenda in time order), and each delegate's QR e-ticket with the
confirmation e-mail sent after commit."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from rakor.extensions import db as _db
from rakor.mail.models import SENT, OutboundMail
from rakor.participants import invitations as inv_service
from rakor.participants.models import Participant
from tests.factories import make_agenda_item, make_participant, make_quota


@pytest.fixture
def outbox(app, monkeypatch):
    state = app.extensions["mailman"]
    monkeypatch.setattr(state, "outbox", [], raising=False)
    return state.outbox


@pytest.fixture
def invited(province_meeting):
    m, a1 = province_meeting.meeting, province_meeting.agencies[0]
    m.contact_name, m.contact_phone = "Bu Sari", "+6281234567890"
    m.dress_code, m.letter_number = "PDH / batik", "005/123/Bappeda/2024"
    m.online_url = "https://zoom.us/j/123456789"
    make_quota(m, a1, seats=3)
    _inv, token = inv_service.create_invitation(m, a1)
    return m, a1, token


def delegate(**overrides):
    data = {"name": "Ir. H. Rahmadi, M.T.", "nip": "", "position": "Kabid PPM",
            "phone": "081234567890", "email": "", "gender": "L"}
    data.update(overrides)
    return data


def test_invitation_page_shows_contact_map_calendar_dress_code_letter_and_online_link(client, invited):
    m, _a1, token = invited
    html = client.get(f"/i/{token}").get_data(as_text=True)
    assert "Bu Sari" in html and 'href="https://wa.me/6281234567890"' in html and "0812-3456-7890" in html
    assert "PDH / batik" in html and "005/123/Bappeda/2024" in html
    assert 'href="https://zoom.us/j/123456789"' in html
    assert 'href="https://www.google.com/maps/search/?api=1&amp;query=Aula%20Bappeda%2C%20Kotabaru"' in html
    assert f'href="/i/{token}/calendar.ics"' in html


def test_the_link_holder_downloads_the_calendar_file(client, invited):
    m, _a1, token = invited
    response = client.get(f"/i/{token}/calendar.ics")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "SUMMARY:Rakor Bidang PPM Uji" in body and "Pakaian: PDH / batik" in body.replace("\r\n ", "")
    assert token not in body  # the file names no link: calendars sync and share it
    assert response.headers["Cache-Control"].startswith("private, no-store")
    assert client.get("/i/" + "x" * 43 + "/calendar.ics").status_code == 404


def test_invitation_agenda_follows_time_not_position(client, invited):
    m, _a1, token = invited
    start = m.starts_at
    make_agenda_item(m, title="Diskusi tanpa jam")  # position 1, no slot
    make_agenda_item(m, title="Paparan siang", starts_at=start + timedelta(hours=3), ends_at=start + timedelta(hours=4))
    make_agenda_item(m, title="Pembukaan pagi", starts_at=start, ends_at=start + timedelta(hours=1))
    html = client.get(f"/i/{token}").get_data(as_text=True)
    agenda = html[html.index('id="agenda"'):]
    assert agenda.index("Pembukaan pagi") < agenda.index("Paparan siang") < agenda.index("Diskusi tanpa jam")


def test_a_delegate_with_an_email_gets_the_confirmation_with_ics_and_ticket_after_commit(client, invited, outbox):
    m, _a1, token = invited
    response = client.post(f"/i/{token}", data=delegate(email="rahmadi@bappeda-uji.go.id"))
    assert response.status_code == 302
    participant = _db.session.scalar(select(Participant).where(Participant.meeting_id == m.id))
    row = _db.session.scalar(select(OutboundMail).where(OutboundMail.kind == "registration_confirmation"))
    assert row.status == SENT and row.object_id == participant.id
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["rahmadi@bappeda-uji.go.id"]
    assert f"/t/{participant.checkin_code}" in message.body
    # The calendar goes as its own MIME part, text/calendar; method=PUBLISH (RFC 6047).
    [calendar] = message.attachments
    assert calendar.get_filename() == f"rapat-{m.id}.ics" and calendar.get_param("method") == "PUBLISH"
    page = client.get(f"/i/{token}").get_data(as_text=True)
    assert f'href="/t/{participant.checkin_code}"' in page


def test_no_email_no_mail_and_a_refused_registration_sends_nothing(client, invited, outbox):
    m, a1, token = invited
    client.post(f"/i/{token}", data=delegate())
    assert outbox == [] and _db.session.scalar(select(OutboundMail.id)) is None
    for n in range(2):
        make_participant(m, a1, name=f"Peserta {n}")
    _db.session.commit()
    response = client.post(f"/i/{token}", data=delegate(name="Kelebihan", email="lebih@bappeda-uji.go.id"))
    assert response.status_code == 422
    assert outbox == [] and _db.session.scalar(select(OutboundMail.id)) is None


def test_the_e_ticket_shows_the_qr_of_the_badge_code(client, invited):
    m, a1, _token = invited
    p = make_participant(m, a1, name="Ir. H. Rahmadi, M.T.")
    _db.session.commit()
    response = client.get(f"/t/{p.checkin_code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Ir. H. Rahmadi, M.T." in html and a1.name in html and m.title in html
    qr = html[html.index('id="ticket-qr"'):]
    assert re.search(r"<svg[^>]*>", qr) and "PDH / batik" in html
    assert "https://wa.me/?text=" in html


def test_unknown_and_cancelled_tickets(client, invited):
    m, a1, _token = invited
    assert client.get("/t/" + "y" * 43).status_code == 404
    assert client.get("/t/" + "y" * 200).status_code == 404
    p = make_participant(m, a1, status="cancelled")
    _db.session.commit()
    html = client.get(f"/t/{p.checkin_code}").get_data(as_text=True)
    assert 'id="ticket-cancelled"' in html and 'id="ticket-qr"' not in html
