"""The outbox: queue inside the request's transaction, send only after it committed.

`queue_mail` adds a row and remembers its id on the session as *pending*. Session events move
pending ids to *committed* when the transaction commits and forget them when it rolls back, so
a rolled-back request sends nothing. `send_committed()` then sends what this session committed:
`init_app` runs it after every request (after the view's `domain_action` committed), and a
view or command may call it itself to learn the outcome. Each send records its result (sent, or
failed with the reason) in a short transaction of its own; a failed mail is retried with
`retry(mail_id)` (the committee's button) or `flask mail retry-failed`.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from rakor.core.errors import DomainError
from rakor.core.types import utcnow
from rakor.extensions import db
from rakor.mail import transport
from rakor.mail.message import Message
from rakor.mail.models import FAILED, QUEUED, SENT, OutboundMail, OutboundMailAttachment

PENDING = "rakor.mail.pending"  # queued in the open transaction
COMMITTED = "rakor.mail.committed"  # committed, not sent yet
UNCOMMITTED_WRITES = "rakor.mail.flushed"  # the open transaction has written something


# --- following the transaction ---------------------------------------------------------------

def _after_flush(session, _flush_context):
    session.info[UNCOMMITTED_WRITES] = True


def _after_commit(session):
    session.info.pop(UNCOMMITTED_WRITES, None)
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(COMMITTED, []).extend(pending)


def _after_soft_rollback(session, previous_transaction):
    # A savepoint rolled back keeps the outer transaction; its rows are gone and sending
    # filters on rows that exist, so only the outermost rollback forgets anything.
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)
        session.info.pop(UNCOMMITTED_WRITES, None)


def listen_to_sessions():
    """Idempotent: the listeners sit on the Session class, which every app shares."""
    for name, fn in (("after_flush", _after_flush), ("after_commit", _after_commit),
                     ("after_soft_rollback", _after_soft_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


# --- queueing --------------------------------------------------------------------------------

def queue_mail(kind: str, message: Message, *, meeting_id=None, object_id=None,
               created_by=None) -> OutboundMail:
    """Add the message to the outbox in the current transaction; it goes out after commit."""
    row = OutboundMail(
        kind=kind, to_address=message.to, reply_to=message.reply_to, subject=message.subject,
        text_body=message.text, html_body=message.html, meeting_id=meeting_id,
        object_id=object_id, created_by_id=getattr(created_by, "id", created_by),
        status=QUEUED, attempts=0, created_at=utcnow(),
        attachments=[OutboundMailAttachment(filename=a.filename, mimetype=a.mimetype, content=a.content)
                     for a in message.attachments],
    )
    db.session.add(row)
    db.session.flush()
    _remember(row.id)
    return row


def _remember(mail_id):
    db.session.info.setdefault(PENDING, []).append(mail_id)


def meeting_id_of(mail_id: int) -> int | None:
    """The meeting mail `mail_id` belongs to (None: none, or no such mail)."""
    return db.session.scalar(select(OutboundMail.meeting_id).where(OutboundMail.id == mail_id))


def retry(mail_id: int) -> OutboundMail:
    """Put a failed mail back in the queue; it is sent after the caller commits."""
    row = db.session.get(OutboundMail, mail_id)
    if row is None:
        raise DomainError(_l("There is no such e-mail."))
    if row.status != FAILED:
        raise DomainError(_l("Only an e-mail that failed can be sent again."))
    row.status = QUEUED
    db.session.flush()
    _remember(row.id)
    return row


def retry_failed(meeting_id=None) -> list[int]:
    """Queue every failed mail again (of one meeting, or all); ids in the order they go out."""
    stmt = select(OutboundMail).where(OutboundMail.status == FAILED).order_by(OutboundMail.id)
    if meeting_id is not None:
        stmt = stmt.where(OutboundMail.meeting_id == meeting_id)
    ids = []
    for row in db.session.scalars(stmt):
        row.status = QUEUED
        ids.append(row.id)
        _remember(row.id)
    db.session.flush()
    return ids


# --- sending (after commit only) -------------------------------------------------------------

def send_committed() -> dict[int, str]:
    """Send the mails this session committed and has not sent; mail id -> "sent"/"failed".

    Refuses to run while the session holds uncommitted writes: recording the results commits,
    and that commit must never carry a request's unfinished work. The mails then stay queued
    (`flask mail send-queued` sends them)."""
    ids = db.session.info.get(COMMITTED)
    if not ids:
        return {}
    session = db.session()
    if session.new or session.dirty or session.deleted or session.info.get(UNCOMMITTED_WRITES):
        current_app.logger.warning("mail %s left queued: the session has uncommitted changes", ids)
        return {}
    db.session.info.pop(COMMITTED, None)
    return send_queued(ids)


def send_queued(ids) -> dict[int, str]:
    """Send these outbox rows if they are still queued and record each result (commits).
    Only for callers whose own transaction is already committed."""
    rows = db.session.scalars(
        select(OutboundMail).where(OutboundMail.id.in_(list(ids)), OutboundMail.status == QUEUED)
        .options(selectinload(OutboundMail.attachments)).order_by(OutboundMail.id)
    ).all()
    if not rows:
        return {}
    results = transport.deliver(rows)
    from rakor.core.metrics import MAIL_SENDS

    now = utcnow()
    for row in rows:
        error = results.get(row.id)
        row.attempts += 1
        row.last_attempt_at = now
        if error is None:
            row.status, row.sent_at, row.last_error = SENT, now, None
            MAIL_SENDS.labels("sent").inc()
        else:
            row.status, row.last_error = FAILED, error
            MAIL_SENDS.labels("failed").inc()
            current_app.logger.warning("mail %s to %s failed: %s", row.id, row.to_address, error)
    db.session.commit()
    return {row.id: row.status for row in rows}



def outbox_metrics():
    """Scraped state of the outbox (rakor.core.metrics.scrape_collectors): failed mails waiting for
    a retry, and queued ones older than five minutes (sent by nobody: `mail send-queued`)."""
    from datetime import timedelta

    from prometheus_client.core import GaugeMetricFamily
    from sqlalchemy import func

    try:
        failed = db.session.scalar(select(func.count()).where(OutboundMail.status == FAILED))
        stale = db.session.scalar(select(func.count()).where(
            OutboundMail.status == QUEUED, OutboundMail.created_at < utcnow() - timedelta(minutes=5)))
    finally:
        db.session.rollback()
    family = GaugeMetricFamily("rakor_mail_outbox", "Outbox e-mails that need attention, by state.",
                               labels=["state"])
    family.add_metric(["failed"], failed)
    family.add_metric(["stale_queued"], stale)
    yield family
