"""Webhooks with a real HTTP receiver on loopback: events written with what caused them, signed
deliveries, retries with backoff, nothing lost while the receiver is down, resend from the page,
delivery through the document worker's rq queue, and the SSRF rules."""
import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from rakor.api import webhooks
from rakor.api.models import WebhookDelivery
from rakor.commitments import services
from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.factories import make_user
from tests.helpers import sign_in

SECRET = "s3cret-of-the-e-monev-receiver"


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it receives and answers `statuses` in turn
    (then 200)."""

    def __init__(self, statuses=()):
        self.received, self.statuses = [], list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/rakor"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.close()


def verify(secret, header, body, tolerance=300, now=None):
    """What a receiver does (docs/api.md has the same)."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def _agree(cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    db.session.commit()
    return c


def _deliveries():
    return db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


@pytest.mark.parametrize("url", ["http://127.0.0.1/hook", "http://169.254.169.254/latest/meta-data",
                                 "http://10.1.2.3/", "http://192.168.0.10:8080/", "http://[::1]/",
                                 "http://localhost:9/", "http://0.0.0.0/", "ftp://example.org/x",
                                 "javascript:alert(1)", "http:///nohost"])
def test_ssrf_internal_and_odd_urls_are_refused(url):
    with pytest.raises(DomainError) as refused:
        webhooks.check_url(url)
    assert refused.value.field == "url"


def test_an_internal_host_only_when_the_admin_allows_it():
    assert webhooks.check_url("http://127.0.0.1:8000/h", allow_internal=True)
    with pytest.raises(DomainError):
        webhooks.check_url("file:///etc/passwd", allow_internal=True)  # still http(s) only


def test_the_admin_page_refuses_a_metadata_url_and_keeps_the_input(client):
    admin = make_user("admin")
    db.session.commit()
    sign_in(client, admin)
    page = client.post("/admin/webhooks", data={"url": "http://169.254.169.254/latest", "secret": SECRET,
                                                "events": ["commitment.agreed"]})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "169.254.169.254" in html and "is-invalid" in html
    assert webhooks.endpoints() == []
    delegate = make_user("delegate")
    db.session.commit()
    sign_in(client, delegate)
    assert client.get("/admin/webhooks").status_code == 403


def test_agreed_commitment_is_delivered_signed_to_a_real_receiver(cm, receiver):
    r = receiver()
    webhooks.register(r.url, SECRET, ["commitment.agreed"], None, allow_internal=True)
    db.session.commit()
    c = _agree(cm)
    [delivery] = _deliveries()
    assert delivery.status == "pending" and delivery.event == "commitment.agreed"
    webhooks.send(delivery.id)
    db.session.commit()
    assert delivery.status == "delivered" and delivery.last_status_code == 200
    [(headers, body)] = r.received
    assert json.loads(body)["data"]["commitment_id"] == c.id
    assert headers["X-Rakor-Event"] == "commitment.agreed"
    assert verify(SECRET, headers["X-Rakor-Signature"], body)
    assert not verify("another secret", headers["X-Rakor-Signature"], body)
    assert not verify(SECRET, headers["X-Rakor-Signature"], body + b" ")


def test_a_receiver_that_fails_gets_it_again_with_backoff(cm, receiver):
    r = receiver(statuses=[503, 500])
    webhooks.register(r.url, SECRET, ["commitment.agreed"], None, allow_internal=True)
    db.session.commit()
    _agree(cm)
    [delivery] = _deliveries()
    now = utcnow()
    webhooks.send(delivery.id, now=now)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    assert delivery.next_attempt_at == now + webhooks.BACKOFF[0]
    assert webhooks.due(now) == []  # not before its backoff
    webhooks.send(delivery.id, now=now + timedelta(minutes=2))
    assert delivery.next_attempt_at == now + timedelta(minutes=2) + webhooks.BACKOFF[1]
    assert webhooks.due(now + timedelta(hours=1)) == [delivery.id]
    webhooks.send(delivery.id)
    assert delivery.status == "delivered" and len(r.received) == 3


def test_a_receiver_that_is_down_loses_nothing_and_the_page_resends(client, cm, receiver):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]  # closed again: nothing listens there
    endpoint = webhooks.register(f"http://127.0.0.1:{dead_port}/h", SECRET, ["commitment.agreed"], None,
                                 allow_internal=True)
    db.session.commit()
    _agree(cm)
    [delivery] = _deliveries()
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.send(delivery.id)
    db.session.commit()
    assert delivery.status == "failed" and "ConnectionError" in delivery.last_error
    r = receiver()
    endpoint.url = r.url  # the receiver is back (at its new address)
    admin = make_user("admin")
    db.session.commit()
    sign_in(client, admin)
    assert f'data-delivery="{delivery.id}" data-status="failed"' in client.get("/admin/webhooks").get_data(as_text=True)
    assert client.post(f"/admin/webhooks/deliveries/{delivery.id}/resend").status_code == 302
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, delivery.id).status == "delivered"
    assert json.loads(r.received[0][1])["event"] == "commitment.agreed"


def test_a_rolled_back_change_sends_nothing(cm):
    webhooks.register("http://127.0.0.1:9/h", SECRET, ["commitment.agreed"], None, allow_internal=True)
    db.session.commit()
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    db.session.commit()
    services.change_status(c, "agreed", cm.committee)
    db.session.flush()
    db.session.rollback()
    assert _deliveries() == []


def test_progress_verified_and_paused_endpoints(cm, receiver, monkeypatch):
    from datetime import date

    from rakor.progress import services as progress
    from rakor.progress import workdays
    from rakor.progress.services import UpdateData

    monkeypatch.setattr(workdays, "today", lambda: date(2024, 10, 15))
    r = receiver()
    webhooks.register(r.url, SECRET, ["progress.verified"], None, allow_internal=True)
    paused = webhooks.register(r.url, SECRET, ["progress.verified"], None, allow_internal=True)
    webhooks.set_active(paused, False)
    c = _agree(cm)
    update = progress.report(c, UpdateData(period="2024-Q3", status="on_track"), cm.delegate).update
    db.session.commit()
    assert _deliveries() == []  # agreed is not subscribed
    progress.review(update, "verified", cm.committee)
    db.session.commit()
    [delivery] = _deliveries()
    assert json.loads(delivery.payload)["data"]["progress_update_id"] == update.id


def test_deliveries_go_through_the_document_workers_queue(app, cm, receiver, redis_queue):
    from rakor.documents import jobs

    r = receiver()
    webhooks.register(r.url, SECRET, ["commitment.agreed"], None, allow_internal=True)
    db.session.commit()
    _agree(cm)  # the commit queues it
    connection, name = redis_queue
    assert jobs.document_queue(connection).count == 1
    jobs.make_worker(app, simple=True).work(burst=True)
    assert len(r.received) == 1
    db.session.expire_all()
    assert _deliveries()[0].status == "delivered"


def test_minutes_final_is_an_event(cm):
    from rakor.meetings import services as meetings
    from tests.factories.minutes import make_final_minutes

    webhooks.register("http://127.0.0.1:9/h", SECRET, ["minutes.final"], None, allow_internal=True)
    db.session.commit()
    meetings.change_status(cm.meeting, "held", cm.committee)
    db.session.commit()
    assert _deliveries() == []
    make_final_minutes(cm.meeting, cm.committee)
    db.session.commit()
    [delivery] = _deliveries()
    assert delivery.event == "minutes.final"
    assert json.loads(delivery.payload)["data"]["meeting_id"] == cm.meeting.id
