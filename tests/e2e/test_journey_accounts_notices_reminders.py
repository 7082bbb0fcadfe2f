"""Browser journeys of issue 18 with e-mail received by a real SMTP server on 127.0.0.1 (aiosmtpd):

- accounts: the admin creates a user without typing a password; the new user sets it from the
  e-mailed link, later forgets it and resets it through "Lupa kata sandi";
- notices: the committee returns a commitment; the delegate finds it under "Perlu tindakan" on the
  home page, opens it and fixes and resubmits the commitment;
- reminders with a frozen clock (`flask reminders send --date`): the delegate's mail arrives, the
  notice is on the home page and leads to the quarterly report of that quarter.

Stable selectors: #forgot-password, #send-reset-link, #save-password, #panel-notices, .open-notice,
#unread-count."""
import re

import pytest

from tests.e2e.conftest import login
from tests.mail.conftest import SMTPServer, use_smtp

PASSWORD = "Sungai-Martapura-Pagi-2026"
NEW_PASSWORD = "Pasar-Terapung-Lok-Baintan-9"


@pytest.fixture
def smtp(live_app, monkeypatch):
    server = SMTPServer()
    server.start()
    use_smtp(live_app, monkeypatch, server.port)
    yield server
    server.stop()


def _body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(server, to, subject_part):
    for rcpts, message in reversed(server.messages):
        if to in rcpts and subject_part in message["Subject"]:
            return re.search(r"http://\S+/password/set/\S+", _body(message)).group(0)
    raise AssertionError(f"no mail to {to} about {subject_part}: {[m['Subject'] for _r, m in server.messages]}")


def test_admin_creates_a_user_who_sets_then_resets_the_password(new_context, live_server, smtp):
    admin = new_context(locale="id-ID").new_page()
    login(admin, live_server, "admin@demo.rakor.id")
    admin.wait_for_url(f"{live_server}/")
    admin.goto(f"{live_server}/admin/users/new")
    assert admin.locator("input[type=password]").count() == 0
    admin.fill("#name", "Rina Pratiwi, S.E.")
    admin.fill("#email", "rina.pratiwi@bappeda-tapin.go.id")
    admin.select_option("#role", "leadership")
    admin.click("#save-user")
    admin.wait_for_url(f"{live_server}/admin/users")
    assert "Tautan untuk mengatur kata sandi telah dikirim ke rina.pratiwi@bappeda-tapin.go.id" in admin.content()

    person = new_context(locale="id-ID").new_page()
    person.goto(_link(smtp, "rina.pratiwi@bappeda-tapin.go.id", "atur kata sandi"))
    person.fill("#new_password", PASSWORD)
    person.fill("#confirm", PASSWORD)
    person.click("#save-password")
    person.wait_for_url(f"{live_server}/login")
    login(person, live_server, "rina.pratiwi@bappeda-tapin.go.id", PASSWORD)
    person.wait_for_url(f"{live_server}/")

    # Later: forgotten. The sign-in page's link, the same answer for any address, the mail.
    forgetful = new_context(locale="id-ID").new_page()
    forgetful.goto(f"{live_server}/login")
    forgetful.click("#forgot-password")
    forgetful.fill("#email", "rina.pratiwi@bappeda-tapin.go.id")
    forgetful.click("#send-reset-link")
    forgetful.wait_for_url(f"{live_server}/login")
    assert "Jika ada akun dengan alamat rina.pratiwi@bappeda-tapin.go.id" in forgetful.content()
    link = _link(smtp, "rina.pratiwi@bappeda-tapin.go.id", "atur ulang kata sandi")
    forgetful.goto(link)
    forgetful.fill("#new_password", NEW_PASSWORD)
    forgetful.fill("#confirm", NEW_PASSWORD)
    forgetful.click("#save-password")
    forgetful.wait_for_url(f"{live_server}/login")
    forgetful.goto(link)  # used once: gone
    assert forgetful.locator("#link-problem").is_visible()
    login(forgetful, live_server, "rina.pratiwi@bappeda-tapin.go.id", NEW_PASSWORD)
    forgetful.wait_for_url(f"{live_server}/")


def _meeting_with_a_commitment(live_app, status):
    """A held 2024 meeting with Kotabaru invited and one commitment of Kotabaru in `status`."""
    from datetime import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from rakor.auth.models import User
    from rakor.commitments.services import CommitmentData, create_commitment
    from rakor.extensions import db
    from rakor.meetings.models import Meeting
    from rakor.participants.quotas import set_seats
    from rakor.regions.models import Agency, Region

    with live_app.app_context():
        def agency(code):
            return db.session.scalar(select(Agency).join(Region, Region.id == Agency.region_id)
                                     .where(Region.kemendagri_code == code, Agency.is_planning_agency))

        tz = ZoneInfo("Asia/Makassar")
        meeting = Meeting(title=f"Rakor Tindak Lanjut ({status})", kind="rakor", status="held",
                          organizer_agency_id=agency("63").id, venue="Aula Bappeda", city="Banjarbaru",
                          starts_at=datetime(2024, 2, 15, 8, 30, tzinfo=tz), ends_at=datetime(2024, 2, 15, 16, 0, tzinfo=tz))
        db.session.add(meeting)
        db.session.flush()
        set_seats(meeting, agency("63.02"), 4)
        committee = db.session.scalar(select(User).where(User.email == "panitia@demo.rakor.id"))
        commitment = create_commitment(meeting, CommitmentData(
            title=f"Rumah layak huni untuk keluarga miskin ekstrem ({status})", agency_id=agency("63.02").id,
            target_date=datetime(2024, 12, 31).date(), responsible_office="Dinas Perkim",
            budget=Decimal("500000000"), funding_source="apbd", budget_year=2024),
            committee, status=status)
        db.session.commit()
        ids = meeting.id, commitment.id, commitment.reference
        db.session.remove()
    return ids


def test_a_returned_commitment_reaches_the_delegate_who_fixes_it(new_context, live_server, live_app, smtp):
    meeting_id, commitment_id, reference = _meeting_with_a_commitment(live_app, "submitted")
    committee = new_context(locale="id-ID").new_page()
    login(committee, live_server, "panitia@demo.rakor.id")
    committee.wait_for_url(f"{live_server}/")
    committee.goto(f"{live_server}/meetings/{meeting_id}/commitments/{commitment_id}")
    committee.fill("#return-note", "Sebutkan jumlah rumah per kecamatan")
    committee.click("#return-commitment")
    committee.wait_for_selector("#review-note")

    mail = [m for rcpts, m in smtp.messages if "delegasi.kotabaru@demo.rakor.id" in rcpts]
    assert mail and reference in mail[-1]["Subject"]
    assert "Sebutkan jumlah rumah per kecamatan" in _body(mail[-1]) and "Anda menerima ini karena" in _body(mail[-1])

    delegate = new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    login(delegate, live_server, "delegasi.kotabaru@demo.rakor.id")
    delegate.wait_for_url(f"{live_server}/")
    notice = delegate.locator("#panel-notices .notice", has_text=reference)
    assert "Perlu tindakan" in delegate.inner_text("#panel-notices")
    assert "Sebutkan jumlah rumah per kecamatan" in notice.inner_text()
    notice.locator(".open-notice").click()
    delegate.wait_for_url(f"{live_server}/meetings/{meeting_id}/commitments/{commitment_id}")
    assert "Sebutkan jumlah rumah" in delegate.inner_text("#review-note")
    delegate.click("#edit-commitment")
    delegate.fill("#commitment-form [name=title]", "Rumah layak huni: 120 rumah di 4 kecamatan")
    delegate.click("#save-commitment")
    delegate.click("#submit-commitment")
    delegate.wait_for_selector("[data-status=submitted]")
    delegate.goto(f"{live_server}/")
    assert delegate.locator("#panel-notices .notice", has_text=reference).count() == 0  # read


def test_reminders_with_a_frozen_clock_reach_the_delegate(new_context, live_server, live_app, smtp):
    meeting_id, _commitment_id, reference = _meeting_with_a_commitment(live_app, "agreed")
    def send(on):  # `flask reminders send --date` in the live app (the suite's own app context is active)
        with live_app.app_context():
            return live_app.test_cli_runner().invoke(args=["reminders", "send", "--date", on])

    result = send("2024-04-05")  # 5 working days before 22 April (Lebaran moved it)
    assert result.exit_code == 0, result.output
    assert re.search(r"before 2024-Q1: [1-9]\d* sent", result.output)
    to_delegate = [m for rcpts, m in smtp.messages if "delegasi.kotabaru@demo.rakor.id" in rcpts]
    assert [m["Subject"] for m in to_delegate] == ["Laporan Triwulan I 2024 paling lambat Senin, 22 April 2024"]
    assert reference in _body(to_delegate[0]) and "PP 39/2006" in _body(to_delegate[0])
    count = len(smtp.messages)
    again = send("2024-04-08")  # a second run, a later day
    assert again.exit_code == 0 and len(smtp.messages) == count  # once per recipient, period and kind

    delegate = new_context(locale="id-ID").new_page()
    login(delegate, live_server, "delegasi.kotabaru@demo.rakor.id")
    delegate.wait_for_url(f"{live_server}/")
    reminder = delegate.locator("#panel-notices .notice[data-kind=report_due_soon]")
    assert "Triwulan I 2024" in reminder.inner_text()
    reminder.locator(".open-notice").click()
    delegate.wait_for_url(re.compile(r".*/progress/report\?period=2024-Q1$"))
    assert "Triwulan I 2024" in delegate.inner_text("h1")

    send("2024-04-23")  # the digest, first working day after
    digest = [m for rcpts, m in smtp.messages if "pimpinan@demo.rakor.id" in rcpts]
    assert digest and "terlambat" in digest[-1]["Subject"] and "63.02" in _body(digest[-1])
