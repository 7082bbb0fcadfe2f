"""iCalendar as calendar clients and mail clients read it (issue 19 item 6): a UID on the
deployment's domain, ORGANIZER and URL, METHOD:PUBLISH in the e-mailed part (RFC 6047), and a
private, revocable feed per user whose moved meeting carries a higher SEQUENCE. Parsed with
the icalendar package, as a client would."""
from datetime import timedelta

import icalendar
from sqlalchemy import select

from rakor.auth.models import User
from rakor.core.types import utcnow
from rakor.meetings import services
from rakor.meetings.services import MeetingData
from tests.factories import make_meeting, make_quota

BASE = "https://rakor.bappeda.example.go.id"


def soon(**fields):
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    return make_meeting(starts_at=start, ends_at=start + timedelta(hours=7), status="scheduled", **fields)


def events_of(body):
    calendar = icalendar.Calendar.from_ical(body)
    return calendar, {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def _feed_address(client):
    client.post("/meetings/calendar/subscribe", data={})
    page = client.get("/meetings/calendar/subscribe").get_data(as_text=True)
    return page.split('id="feed-address" type="text" readonly value="')[1].split('"')[0]


def test_the_feed_subscribes_and_a_moved_meeting_comes_with_a_higher_sequence(app, client, db, login_as,
                                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    user = login_as("committee")
    meeting = soon(title="Rakor Feed Uji")
    db.session.commit()
    address = _feed_address(client)
    assert address.startswith(f"{BASE}/meetings/calendar/feed/") and address.endswith(".ics")
    path = address.removeprefix(BASE)
    anonymous = app.test_client()  # calendar clients do not sign in: the token is the key
    response = anonymous.get(path)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, events = events_of(response.data)
    assert "METHOD" not in calendar  # a feed, not a message
    event = events["Rakor Feed Uji"]
    assert str(event["UID"]) == f"meeting-{meeting.id}@rakor.bappeda.example.go.id"
    assert str(event["URL"]) == f"{BASE}/meetings/{meeting.id}"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    before = int(event["SEQUENCE"])

    data = MeetingData(**{f: getattr(meeting, f) for f in MeetingData.__dataclass_fields__ if hasattr(meeting, f)})
    data.starts_at = meeting.starts_at + timedelta(days=7)
    data.ends_at = meeting.ends_at + timedelta(days=7)
    services.update_meeting(meeting, data)
    db.session.commit()
    _calendar, moved = events_of(anonymous.get(path).data)
    assert int(moved["Rakor Feed Uji"]["SEQUENCE"]) > before
    assert moved["Rakor Feed Uji"].decoded("DTSTART") > event.decoded("DTSTART")

    # A new address replaces the old one; revoking ends both.
    client.post("/meetings/calendar/subscribe", data={})
    assert anonymous.get(path).status_code == 404
    new_path = db.session.scalar(select(User.calendar_token).where(User.id == user.id))
    assert anonymous.get(f"/meetings/calendar/feed/{new_path}.ics").status_code == 200
    client.post("/meetings/calendar/subscribe", data={"revoke": "1"})
    assert anonymous.get(f"/meetings/calendar/feed/{new_path}.ics").status_code == 404
    assert anonymous.get("/meetings/calendar/feed/.ics").status_code == 404


def test_a_delegates_feed_carries_only_the_meetings_its_agency_is_invited_to(app, client, db, login_as):
    from tests.factories import make_agency

    agency = make_agency()
    invited = soon(title="Diundang")
    make_quota(invited, agency)
    soon(title="Tidak diundang")
    login_as("delegate", agency=agency)
    db.session.commit()
    _calendar, events = events_of(app.test_client().get(_feed_address(client).removeprefix(app.config["BASE_URL"])).data)
    assert set(events) == {"Diundang"}


def test_the_mailed_calendar_part_says_method_publish_and_message_ids_use_the_domain(app, db, monkeypatch):
    from rakor.mail.models import OutboundMail, OutboundMailAttachment
    from rakor.mail.transport import _email

    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    row = OutboundMail(to_address="a@example.id", subject="Uji", text_body="Isi", kind="x")
    row.attachments = [OutboundMailAttachment(filename="rapat-1.ics", mimetype="text/calendar",
                                              content=b"BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n")]
    message = _email(row, connection=None).message()
    assert message["Message-ID"].endswith("@rakor.bappeda.example.go.id>")
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH" and part.get_filename() == "rapat-1.ics"


def test_downloads_say_their_charset_once(client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    for url in (f"/meetings/{meeting.id}/calendar.ics", f"/meetings/{meeting.id}/participants/export.csv"):
        response = client.get(url)
        assert response.headers["Content-Type"].count("charset") <= 1, (url, response.headers["Content-Type"])
