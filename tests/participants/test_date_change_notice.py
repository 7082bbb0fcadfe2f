"""After a move the committee tells the invited agencies: each registered participant with an
e-mail gets the new .ics (same UID, higher SEQUENCE), each invitation contact the notice; one
message per address, each saying why it was sent; a ready WhatsApp text; told once per move."""
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from rakor.core.formatting import to_zone
from rakor.extensions import db as _db
from rakor.mail.models import OutboundMail
from rakor.meetings import reschedule
from rakor.meetings.models import MeetingDateChange
from rakor.participants import invitations
from rakor.participants.date_change import DATE_CHANGE
from tests.factories import make_participant, make_quota


@pytest.fixture
def outbox(app, monkeypatch):
    state = app.extensions["mailman"]
    monkeypatch.setattr(state, "outbox", [], raising=False)
    return state.outbox


@pytest.fixture
def moved(db, province_meeting):
    m, (a1, a2, a3) = province_meeting.meeting, province_meeting.agencies
    for a in (a1, a2, a3):
        make_quota(m, a, seats=3)
    make_participant(m, a1, name="Rina Wati", email="rina@uji.go.id")
    make_participant(m, a1, name="Tanpa Surel", email=None)
    make_participant(m, a2, name="Budi", email="budi@uji.go.id")
    inv, _token = invitations.create_invitation(m, a3)
    inv.contact_name, inv.contact_email = "Pak Amir", "amir@uji3.go.id"
    inv2, _token = invitations.create_invitation(m, a2)
    inv2.contact_email = "BUDI@uji.go.id"  # the same address as a participant: one message
    local = to_zone(m.starts_at, m.timezone).replace(tzinfo=None)
    end = to_zone(m.ends_at, m.timezone).replace(tzinfo=None)
    change = reschedule.reschedule(m, local + timedelta(days=7), end + timedelta(days=7),
                                   reason="Bertepatan dengan Musrenbang")
    _db.session.commit()
    return m, change


def test_the_page_lists_recipients_and_offers_the_whatsapp_text(client, login_as, moved, outbox):
    m, change = moved
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/moved/{change.id}").get_data(as_text=True)
    assert html.count("rina@uji.go.id") == 1 and "amir@uji3.go.id" in html
    assert "budi@uji.go.id" in html and "BUDI@uji.go.id" not in html
    link = next(part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("https://wa.me/"))
    text = unquote(parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0])
    assert m.title in text and "Bertepatan dengan Musrenbang" in text and "dipindahkan" in text.lower()
    assert outbox == []


def test_sending_tells_each_address_once_with_the_new_calendar(client, login_as, moved, outbox):
    m, change = moved
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/moved/{change.id}/notify")
    assert response.status_code == 302
    assert sorted(msg.to[0] for msg in outbox) == ["amir@uji3.go.id", "budi@uji.go.id", "rina@uji.go.id"]
    rina = next(msg for msg in outbox if msg.to == ["rina@uji.go.id"])
    body = rina.body
    assert "Bertepatan dengan Musrenbang" in body and "terdaftar" in body  # says why it was sent
    amir = next(msg for msg in outbox if msg.to == ["amir@uji3.go.id"])
    assert "narahubung" in amir.body.lower() or "kontak" in amir.body.lower()
    [ics] = [p for p in rina.message().walk() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == change.to_starts_at
    downloaded = Calendar.from_ical(client.get(f"/meetings/{m.id}/calendar.ics").data).walk("VEVENT")[0]
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (str(downloaded["UID"]), int(downloaded["SEQUENCE"]))
    assert int(event["SEQUENCE"]) >= 1
    rows = _db.session.scalars(select(OutboundMail).where(OutboundMail.kind == DATE_CHANGE)).all()
    assert len(rows) == 3 and {r.object_id for r in rows} == {change.id}
    assert _db.session.scalar(select(MeetingDateChange.notified_at).where(MeetingDateChange.id == change.id))
    # Told once: a second press sends nothing more.
    client.post(f"/meetings/{m.id}/moved/{change.id}/notify")
    assert len(outbox) == 3


def test_only_the_committee_tells_and_only_of_this_meetings_moves(client, login_as, moved, province_meeting):
    m, change = moved
    login_as("leadership")
    assert client.post(f"/meetings/{m.id}/moved/{change.id}/notify").status_code == 403
    login_as("delegate", agency=province_meeting.agencies[0])
    assert client.get(f"/meetings/{m.id}/moved/{change.id}").status_code == 403
    login_as("committee")
    assert client.get(f"/meetings/{m.id + 999}/moved/{change.id}").status_code == 404
