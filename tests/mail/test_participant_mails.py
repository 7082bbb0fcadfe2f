"""The invitation-link and registration-confirmation messages, read back from a real server."""
from datetime import UTC, datetime

import icalendar
import pytest
from flask_babel import force_locale

from rakor.core.errors import DomainError
from rakor.mail import services
from rakor.participants.invitations import create_invitation
from rakor.participants.mails import (
    INVITATION_LINK,
    REGISTRATION_CONFIRMATION,
    queue_invitation_link,
    queue_registration_confirmation,
)
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_meeting,
    make_participant,
    make_quota,
    make_user,
)

LINK = "https://rakor.example.go.id/i/token-uji"


@pytest.fixture
def meeting(db):
    organizer = make_agency(name="Bappeda Provinsi Kalimantan Selatan", short_name="Bappeda Kalsel")
    meeting = make_meeting(
        organizer=organizer, title="Rakor Percepatan Penurunan Stunting <2026>", venue="Aula Bappeda",
        city="Banjarbaru", starts_at=datetime(2030, 2, 7, 1, 0, tzinfo=UTC),   # Kamis 09.00 WITA
        ends_at=datetime(2030, 2, 7, 5, 0, tzinfo=UTC), registration_closes_at=datetime(2030, 2, 6, 8, 0, tzinfo=UTC))
    make_agenda_item(meeting, title="Pembukaan", starts_at=meeting.starts_at,
                     ends_at=datetime(2030, 2, 7, 1, 30, tzinfo=UTC))
    return meeting


def test_invitation_link_reaches_the_agency_contact_in_indonesian(app, db, meeting, smtp_server):
    agency = make_agency(name="Bappeda Kabupaten Hulu Sungai Utara")
    make_quota(meeting, agency, seats=3)
    committee = make_user(role="committee", name="Siti Rahmah", email="siti@bappeda.example.com")
    invitation, _token = create_invitation(meeting, agency, by_user=committee, contact_name="Bapak Rahmadi",
                                           contact_email="rahmadi@hsu.example.com")
    with force_locale("en"):  # the committee member's UI language does not change the message
        row = queue_invitation_link(invitation, LINK, by_user=committee)
    db.session.commit()
    assert services.send_committed() == {row.id: "sent"}

    [(rcpt, msg)] = smtp_server.messages
    assert rcpt == ["rahmadi@hsu.example.com"]
    assert msg["Subject"] == "Tautan pendaftaran: Rakor Percepatan Penurunan Stunting <2026>"
    assert msg["Reply-To"] == "siti@bappeda.example.com"
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    for expected in ("Yth. Bapak Rahmadi,", "Bappeda Kabupaten Hulu Sungai Utara diundang",
                     "Hari, tanggal: Kamis, 7 Februari 2030", "Waktu: 09.00\u201313.00 WITA",
                     "Tempat: Aula Bappeda, Banjarbaru", "Kuota peserta instansi Anda: 3 orang",
                     "Batas pendaftaran: Rabu, 6 Februari 2030 pukul 16.00 WITA",
                     f"Daftarkan peserta:\n{LINK}", "Siti Rahmah (siti@bappeda.example.com)",
                     "Panitia Rakor Percepatan", "Bappeda Provinsi Kalimantan Selatan"):
        assert expected in text
    html = msg.get_body(("html",)).get_content()
    assert f'href="{LINK}"' in html
    assert "Stunting &lt;2026&gt;" in html and "<2026>" not in html
    assert "src=" not in html and "<link" not in html  # nothing fetched from outside
    assert (row.kind, row.meeting_id, row.object_id, row.created_by_id) == (
        INVITATION_LINK, meeting.id, invitation.id, committee.id)


def test_an_invitation_without_contact_email_cannot_be_mailed(db, meeting):
    agency = make_agency()
    make_quota(meeting, agency)
    invitation, _token = create_invitation(meeting, agency)
    with pytest.raises(DomainError) as error:
        queue_invitation_link(invitation, LINK)
    assert error.value.field == "contact_email"


def test_registration_confirmation_carries_the_meetings_ics(db, meeting, smtp_server):
    agency = make_agency(name="Bappeda Kota Banjarmasin")
    participant = make_participant(meeting, agency, name="Ir. H. Rahmadi, M.T.", email="rahmadi@bjm.example.com",
                                   meeting_role="narasumber")
    row = queue_registration_confirmation(participant, url="https://rakor.example.go.id/meetings/1")
    db.session.commit()
    services.send_committed()

    [(rcpt, msg)] = smtp_server.messages
    assert rcpt == ["rahmadi@bjm.example.com"]
    assert msg["Subject"] == "Pendaftaran diterima: Rakor Percepatan Penurunan Stunting <2026>"
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Yth. Ir. H. Rahmadi, M.T.," in text
    assert "sebagai narasumber dari Bappeda Kota Banjarmasin" in text
    assert "Kamis, 7 Februari 2030" in text and "09.00\u201313.00 WITA" in text
    [part] = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == f"rapat-{meeting.id}.ics"
    [event] = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]) == meeting.title
    assert event.decoded("DTSTART") == datetime(2030, 2, 7, 1, 0, tzinfo=UTC)
    assert "Pembukaan" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == "https://rakor.example.go.id/meetings/1"
    assert (row.kind, row.object_id) == (REGISTRATION_CONFIRMATION, participant.id)


def test_no_confirmation_without_an_email_address(db, meeting, smtp_server):
    participant = make_participant(meeting, make_agency(), email=None)
    assert queue_registration_confirmation(participant) is None
    db.session.commit()
    assert services.send_committed() == {}
    assert smtp_server.messages == []


def test_a_title_with_a_line_break_stays_one_subject_line(db, meeting, smtp_server):
    meeting.title = "Rakor\r\nBcc: someone@evil.test"
    participant = make_participant(meeting, make_agency(), email="a@b.test")
    queue_registration_confirmation(participant)
    db.session.commit()
    services.send_committed()
    [(rcpt, msg)] = smtp_server.messages
    assert rcpt == ["a@b.test"]
    assert msg["Subject"] == "Pendaftaran diterima: Rakor Bcc: someone@evil.test"
    assert msg["Bcc"] is None
