"""Reads of the outbox."""
from functools import cache

from sqlalchemy import bindparam, select

from rakor.extensions import db
from rakor.mail.models import FAILED, QUEUED, OutboundMail


def failed_of_meeting(meeting_id: int, kind: str | None = None) -> list[OutboundMail]:
    """A meeting's mails that failed, newest first, for the page that offers "send again".
    The attachments stay unloaded (lazy="raise"): the list shows recipient, subject and reason."""
    if kind is None:  # the committee's meeting page, on every view: the statement built once
        return list(db.session.scalars(_failed_statement(), {"meeting_id": meeting_id}))
    stmt = (select(OutboundMail)
            .where(OutboundMail.meeting_id == meeting_id, OutboundMail.status == FAILED)
            .order_by(OutboundMail.created_at.desc(), OutboundMail.id.desc()))
    return list(db.session.scalars(stmt.where(OutboundMail.kind == kind)))


@cache
def _failed_statement():
    return (select(OutboundMail)
            .where(OutboundMail.meeting_id == bindparam("meeting_id"), OutboundMail.status == FAILED)
            .order_by(OutboundMail.created_at.desc(), OutboundMail.id.desc()))


def of_object(kind: str, object_id: int) -> list[OutboundMail]:
    """Every mail of one kind about one object (an invitation's sends), newest first."""
    return list(db.session.scalars(
        select(OutboundMail).where(OutboundMail.kind == kind, OutboundMail.object_id == object_id)
        .order_by(OutboundMail.id.desc())))


def queued_ids(older_than=None) -> list[int]:
    """Mails still waiting, e.g. the process stopped between the commit and the send."""
    stmt = select(OutboundMail.id).where(OutboundMail.status == QUEUED).order_by(OutboundMail.id)
    if older_than is not None:
        stmt = stmt.where(OutboundMail.created_at <= older_than)
    return list(db.session.scalars(stmt))

