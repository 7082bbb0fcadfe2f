"""The committee's "send again" button, the after-request send, and `flask mail`."""
from flask import Response

from rakor.mail import services
from rakor.mail.message import Content, compose
from rakor.mail.models import FAILED, QUEUED, SENT, OutboundMail


def _failed_mail(db, smtp_server, meeting_id=5):
    smtp_server.stop()
    row = services.queue_mail("invitation_link", compose(
        "kontak@bappeda.test", "Tautan pendaftaran", Content(greeting="Yth.")), meeting_id=meeting_id)
    db.session.commit()
    services.send_committed()
    assert row.status == FAILED
    return row


def test_committee_retries_a_failed_mail_and_returns_to_the_page(db, client, login_as, smtp_server):
    row = _failed_mail(db, smtp_server)
    login_as("committee")

    smtp_server.stop()  # still down: recorded again, no 500
    response = client.post(f"/mail/{row.id}/retry", data={"next": "/meetings/5/invitations"})
    assert response.status_code == 302 and response.location.endswith("/meetings/5/invitations")
    db.session.expire_all()
    assert db.session.get(OutboundMail, row.id).status == FAILED
    assert db.session.get(OutboundMail, row.id).attempts == 2

    smtp_server.start()
    response = client.post(f"/mail/{row.id}/retry", data={"next": "/meetings/5/invitations"},
                           follow_redirects=False)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboundMail, row.id).status == SENT
    assert len(smtp_server.messages) == 1


def test_retry_refuses_an_outside_next_and_an_unknown_mail(db, client, login_as, smtp_server):
    login_as("committee")
    response = client.post("/mail/999999/retry", data={"next": "https://evil.example/"})
    assert response.status_code == 302 and response.location == "/"
    assert smtp_server.messages == []


def test_retry_is_for_the_committee_only(db, client, login_as, smtp_server):
    row = _failed_mail(db, smtp_server)
    smtp_server.start()
    for role in ("delegate", "leadership", "admin"):
        login_as(role)
        assert client.post(f"/mail/{row.id}/retry").status_code == 403
    assert smtp_server.messages == []


def test_after_the_view_the_committed_mail_goes_out(app, db, smtp_server):
    with app.test_request_context("/"):
        row = services.queue_mail("reminder", compose("a@bappeda.test", "Pengingat", Content(greeting="Yth.")))
        db.session.commit()
        assert smtp_server.messages == []
        app.process_response(Response())  # the after_request hooks
        assert row.status == SENT
    assert len(smtp_server.messages) == 1


def test_after_a_view_that_did_not_commit_nothing_goes_out(app, db, smtp_server):
    with app.test_request_context("/"):
        row = services.queue_mail("reminder", compose("a@bappeda.test", "Pengingat", Content(greeting="Yth.")))
        app.process_response(Response())
        assert row.status == QUEUED
    assert smtp_server.messages == []


def test_cli_retry_failed_of_one_meeting(app, db, smtp_server):
    mine = _failed_mail(db, smtp_server, meeting_id=5)
    other = _failed_mail(db, smtp_server, meeting_id=6)
    smtp_server.start()

    result = app.test_cli_runner().invoke(args=["mail", "retry-failed", "--meeting", "5"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed." in result.output
    db.session.expire_all()
    assert db.session.get(OutboundMail, mine.id).status == SENT
    assert db.session.get(OutboundMail, other.id).status == FAILED
    assert app.test_cli_runner().invoke(args=["mail", "retry-failed"]).output.strip() == "1 sent, 0 failed."
    assert app.test_cli_runner().invoke(args=["mail", "retry-failed"]).output.strip() == "No failed mail."


def test_cli_retry_failed_exits_1_while_the_server_is_down(app, db, smtp_server):
    _failed_mail(db, smtp_server)
    result = app.test_cli_runner().invoke(args=["mail", "retry-failed"])
    assert result.exit_code == 1
    assert "0 sent, 1 failed." in result.output


def test_cli_send_queued_sends_what_was_committed_but_never_sent(app, db, smtp_server):
    row = services.queue_mail("reminder", compose("a@bappeda.test", "Pengingat", Content(greeting="Yth.")))
    db.session.commit()
    db.session.info.clear()  # as if the process stopped between commit and send

    assert "No queued mail." in app.test_cli_runner().invoke(args=["mail", "send-queued"]).output
    result = app.test_cli_runner().invoke(args=["mail", "send-queued", "--older-than", "0"])
    assert "1 sent, 0 failed." in result.output
    db.session.expire_all()
    assert db.session.get(OutboundMail, row.id).status == SENT
