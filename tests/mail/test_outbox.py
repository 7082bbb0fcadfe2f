"""The outbox against a real SMTP server: sent after commit, nothing on rollback, failures
recorded and retried."""
import icalendar
import pytest
from aiosmtpd.smtp import AuthResult

from rakor.core.errors import DomainError
from rakor.core.web import domain_action
from rakor.mail import queries, services
from rakor.mail.message import Attachment, Content, compose
from rakor.mail.models import FAILED, QUEUED, SENT, OutboundMail
from rakor.meetings.ics import meeting_calendar
from tests.factories import make_meeting
from tests.mail.conftest import REFUSED, SMTPServer, use_smtp


def _message(to="kontak@bappeda.test", subject="Uji", **kwargs):
    return compose(to, subject, Content(greeting="Yth. Bapak/Ibu,", paragraphs=["Isi pesan."]), **kwargs)


def test_a_committed_mail_is_sent_over_smtp_and_recorded(db, smtp_server):
    ics = Attachment("rapat.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    row = services.queue_mail("reminder", _message(subject="Pengingat rapat", reply_to="panitia@bappeda.test",
                                                   attachments=[ics]), meeting_id=7)
    assert smtp_server.messages == []  # queued, not sent inside the transaction
    db.session.commit()

    assert services.send_committed() == {row.id: SENT}

    [(rcpt, msg)] = smtp_server.messages
    assert rcpt == ["kontak@bappeda.test"]
    assert msg["Subject"] == "Pengingat rapat"
    assert msg["To"] == "kontak@bappeda.test"
    assert msg["Reply-To"] == "panitia@bappeda.test"
    assert msg["From"] == "panitia@rakor.test"
    assert "Isi pesan." in msg.get_body(("plain",)).get_content()
    assert "<p" in msg.get_body(("html",)).get_content()
    [part] = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "rapat.ics"
    db.session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (SENT, 1, None)
    assert row.sent_at is not None
    assert services.send_committed() == {}  # once only


def test_a_rollback_after_queueing_sends_nothing(db, smtp_server):
    row = services.queue_mail("reminder", _message())
    mail_id = row.id
    db.session.rollback()
    make_meeting()
    db.session.commit()  # a later commit of the same session does not revive the rolled-back mail

    assert not db.session.info.get(services.PENDING) and not db.session.info.get(services.COMMITTED)
    assert services.send_committed() == {}
    assert smtp_server.messages == []
    assert db.session.get(OutboundMail, mail_id) is None


def test_a_domain_error_in_the_action_sends_nothing(app, db, smtp_server):
    with app.test_request_context("/"):
        with domain_action() as done:
            services.queue_mail("reminder", _message())
            raise DomainError("nope")
        assert not done.ok
        assert services.send_committed() == {}
    assert smtp_server.messages == []


def test_nothing_is_sent_while_the_session_holds_uncommitted_writes(db, smtp_server):
    row = services.queue_mail("reminder", _message())
    db.session.commit()
    make_meeting()  # a later write, not committed yet

    assert services.send_committed() == {}
    assert smtp_server.messages == []
    assert db.session.get(OutboundMail, row.id).status == QUEUED


def test_server_down_records_failure_and_retry_sends_once_it_is_back(db, smtp_server):
    smtp_server.stop()
    row = services.queue_mail("invitation_link", _message(), meeting_id=42)
    db.session.commit()

    assert services.send_committed() == {row.id: FAILED}  # no exception reaches the caller

    db.session.refresh(row)
    assert row.status == FAILED and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert [m.id for m in queries.failed_of_meeting(42)] == [row.id]

    smtp_server.start()
    services.retry(row.id)
    db.session.commit()
    assert services.send_committed() == {row.id: SENT}
    assert len(smtp_server.messages) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (SENT, 2, None)
    assert queries.failed_of_meeting(42) == []


def test_a_refused_recipient_fails_alone(db, smtp_server):
    refused = services.queue_mail("reminder", _message(to=REFUSED))
    accepted = services.queue_mail("reminder", _message(to="ok@bappeda.test"))
    db.session.commit()

    assert services.send_committed() == {refused.id: FAILED, accepted.id: SENT}
    assert [rcpt for rcpt, _m in smtp_server.messages] == [["ok@bappeda.test"]]
    assert "SMTPRecipientsRefused" in db.session.get(OutboundMail, refused.id).last_error


def test_only_a_failed_mail_can_be_retried(db):
    row = services.queue_mail("reminder", _message())
    with pytest.raises(DomainError):
        services.retry(row.id)
    with pytest.raises(DomainError):
        services.retry(row.id + 1000)


def test_a_refused_login_is_recorded_without_the_password(db, app, monkeypatch):
    server = SMTPServer()
    server.start(auth_require_tls=False,
                 authenticator=lambda *args: AuthResult(success=False, handled=False))
    try:
        use_smtp(app, monkeypatch, server.port, MAIL_USERNAME="panitia", MAIL_PASSWORD="s3cret-pass")
        row = services.queue_mail("reminder", _message())
        db.session.commit()
        assert services.send_committed() == {row.id: FAILED}
    finally:
        server.stop()
    db.session.refresh(row)
    assert row.last_error.startswith("SMTPAuthenticationError")
    assert "s3cret-pass" not in row.last_error and len(row.last_error) <= 300
    assert server.messages == []


def test_locmem_is_the_test_suites_backend(app):
    assert app.config["MAIL_BACKEND"] == "locmem"


def test_ics_attachment_parses(db, smtp_server):
    meeting = make_meeting(title="Rakor Stunting")
    services.queue_mail("registration_confirmation", _message(attachments=[
        Attachment("rapat.ics", "text/calendar", meeting_calendar(meeting))]), meeting_id=meeting.id)
    db.session.commit()
    services.send_committed()
    [(_rcpt, msg)] = smtp_server.messages
    [part] = list(msg.iter_attachments())
    calendar = icalendar.Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Rakor Stunting"
