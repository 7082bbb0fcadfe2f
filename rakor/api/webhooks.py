"""Webhooks: the administrator registers a URL and a secret for events; each event becomes a
delivery row in the transaction that caused it, the document worker's rq queue sends it after
commit, signed, and a failed send is retried with backoff (`flask --app wsgi api webhooks
retry-due`, every minute from cron) and can be sent again from the page.

Signature: header `X-Rakor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
with the endpoint's secret; the receiver recomputes it over the raw body and refuses an old `t`
(docs/api.md has the code).

SSRF: only http(s); a host that is, or resolves to, a loopback, link-local, private, reserved,
multicast or unspecified address is refused, at registration and again before every send
(a name may resolve elsewhere later), unless the administrator allowed internal addresses for
that endpoint explicitly. Redirects are not followed.
"""
import hashlib
import hmac
import ipaddress
import json
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select

from rakor.api.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db

SIGNATURE_HEADER = "X-Rakor-Signature"
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6), timedelta(hours=24))
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 10
PENDING_KEY = "rakor.api.webhooks.pending"


# --- signing -------------------------------------------------------------------------------

def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


# --- SSRF rules ----------------------------------------------------------------------------

def _internal(address):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_reserved
            or ip.is_multicast or ip.is_unspecified)


def check_url(url, allow_internal=False):
    """The URL, or DomainError(field="url") saying why it may not be called."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(_l("Give an http:// or https:// address."), field="url")
    if len(url) > 500:
        raise DomainError(_l("At most %(n)d characters.", n=500), field="url")
    if allow_internal:
        return url
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (socket.gaierror, UnicodeError):
        raise DomainError(_l("The host %(host)s cannot be resolved.", host=parts.hostname),
                          field="url") from None
    if any(_internal(a.split("%")[0]) for a in addresses):
        raise DomainError(_l("%(host)s is an internal address (loopback, link-local or private); "
                             "allow internal addresses for this endpoint if that is intended.",
                             host=parts.hostname), field="url")
    return url


# --- endpoints -----------------------------------------------------------------------------

def register(url, secret, events, by_user, allow_internal=False) -> WebhookEndpoint:
    url = check_url(url, allow_internal)
    secret = (secret or "").strip()
    if len(secret) < 16 or len(secret) > 200:
        raise DomainError(_l("The secret needs 16 to 200 characters."), field="secret")
    events = [e for e in events if e in WEBHOOK_EVENTS]
    if not events:
        raise DomainError(_l("Choose at least one event."), field="events")
    endpoint = WebhookEndpoint(url=url, secret=secret, events=",".join(events), allow_internal=allow_internal,
                               created_by_id=getattr(by_user, "id", None))
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def set_active(endpoint, active):
    endpoint.active = bool(active)
    db.session.flush()


def endpoints():
    return db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()


def deliveries(limit=200):
    return db.session.execute(select(WebhookDelivery, WebhookEndpoint.url)
                              .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                              .order_by(WebhookDelivery.id.desc()).limit(limit)).all()


# --- events: written with what caused them ---------------------------------------------------

def _events_in(session):
    from rakor.commitments.models import CommitmentEvent
    from rakor.meetings.models import MeetingTransition
    from rakor.progress.models import ProgressReview

    for obj in session.new:
        if isinstance(obj, CommitmentEvent) and obj.kind == "agreed":
            yield "commitment.agreed", {"commitment_id": obj.commitment_id,
                                        "href": f"/api/v1/commitments/{obj.commitment_id}"}
        elif isinstance(obj, ProgressReview) and obj.to_status == "verified":
            yield "progress.verified", {"progress_update_id": obj.update_id,
                                        "href": f"/api/v1/progress/{obj.update_id}"}
        elif isinstance(obj, MeetingTransition) and obj.to_status == "minutes_final":
            yield "minutes.final", {"meeting_id": obj.meeting_id,
                                    "href": f"/api/v1/meetings/{obj.meeting_id}/minutes"}


def _before_flush(session, _context, _instances):
    found = list(_events_in(session))
    if not found:
        return
    with session.no_autoflush:
        subscribed = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active)).all()
    now = utcnow()
    for name, data in found:
        for endpoint in subscribed:
            if name in endpoint.event_list:
                body = json.dumps({"event": name, "occurred_at": now.isoformat(), "data": data},
                                  sort_keys=True, separators=(",", ":"))
                delivery = WebhookDelivery(endpoint_id=endpoint.id, event=name, payload=body,
                                           status="pending", attempts=0, created_at=now)
                session.add(delivery)
                session.info.setdefault(PENDING_KEY, []).append(delivery)


def _after_commit(session):
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        enqueue([d.id for d in pending if d.id is not None])


def _after_soft_rollback(session, previous_transaction):
    if not previous_transaction.nested:
        session.info.pop(PENDING_KEY, None)


def listen_to_sessions(session_class):
    for name, fn in (("before_flush", _before_flush), ("after_commit", _after_commit),
                     ("after_soft_rollback", _after_soft_rollback)):
        if not event.contains(session_class, name, fn):
            event.listen(session_class, name, fn)


# --- sending -------------------------------------------------------------------------------

def enqueue(delivery_ids):
    """To the document worker's queue; without a queue (development) the deliveries stay
    pending for `flask --app wsgi api webhooks retry-due`. Redis down: they stay pending too."""
    from rakor.documents import jobs

    if not delivery_ids or not jobs.queue_enabled():
        return 0
    try:
        queue = jobs.document_queue()
        for delivery_id in delivery_ids:
            queue.enqueue(deliver_job, delivery_id, job_timeout=TIMEOUT_SECONDS * 3)
    except Exception as error:  # noqa: BLE001 - a queue that is down must not fail the commit
        current_app.logger.warning("webhook deliveries %s not queued: %s", delivery_ids, error)
        return 0
    return len(delivery_ids)


def deliver_job(delivery_id):
    """The rq job (run by `flask --app wsgi documents worker` in an app context)."""
    send(delivery_id)
    db.session.commit()
    db.session.remove()


def send(delivery_id, now=None):
    """One attempt; records the outcome and schedules the next attempt on failure."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status == "delivered":
        return delivery
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    now = now or utcnow()
    delivery.attempts += 1
    body = delivery.payload.encode()
    try:
        check_url(endpoint.url, endpoint.allow_internal)
        timestamp = int(time.time())
        response = requests.post(endpoint.url, data=body, timeout=TIMEOUT_SECONDS, allow_redirects=False,
                                 headers={"Content-Type": "application/json", "User-Agent": "Rakor-Webhooks/1",
                                          "X-Rakor-Event": delivery.event,
                                          "X-Rakor-Delivery": str(delivery.id),
                                          SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body)})
        delivery.last_status_code = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.last_error = None if ok else f"HTTP {response.status_code}"
    except DomainError as error:
        ok, delivery.last_status_code, delivery.last_error = False, None, str(error.message)[:300]
    except requests.RequestException as error:
        ok, delivery.last_status_code = False, None
        delivery.last_error = f"{type(error).__name__}: {error}"[:300]
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.status = "pending"
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    db.session.flush()
    return delivery


def resend(delivery):
    """From the page: a failed (or still pending) delivery goes out again now."""
    if delivery.status == "delivered":
        raise DomainError(_l("This delivery was received; nothing to send again."))
    delivery.status, delivery.next_attempt_at = "pending", utcnow()
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.attempts = MAX_ATTEMPTS - 1  # one more try, and its backoff if it fails
    db.session.flush()
    return delivery


def due(now=None, limit=500):
    now = now or utcnow()
    return db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status == "pending",
        (WebhookDelivery.next_attempt_at.is_(None)) | (WebhookDelivery.next_attempt_at <= now))
        .order_by(WebhookDelivery.id).limit(limit)).all()
