"""Emitting notices (one call where each event happens) and marking them read.

`notify` adds one Notice per recipient and queues its e-mail in the same transaction (sent after
the commit, like every Rakor e-mail); the e-mail says what happened, where to act and why the
reader gets it."""
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from rakor.core.types import utcnow
from rakor.core.urls import external_url
from rakor.extensions import db
from rakor.mail.message import Content, compose
from rakor.mail.services import queue_mail
from rakor.notices import kinds, queries
from rakor.notices.models import Notice

MAIL_LOCALE = "id"
# Set while something replays history rather than living it (the demo data): no notice, no mail.
_muted: ContextVar[bool] = ContextVar("rakor.notices.muted", default=False)


@contextmanager
def muted():
    """Within the block `notify` records nothing and sends nothing (demo loading: its reviews
    and agreements happened "in 2024", and must not mail anyone today)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(users, kind, params, *, meeting_id=None, by_user=None) -> list[Notice]:
    """A notice (in-app and by e-mail) to each of `users` (duplicates and the acting user
    left out: nobody is told what they just did)."""
    if _muted.get():
        return []
    seen, notices = set(), []
    acting = getattr(by_user, "id", None)
    for user in users:
        if user is None or user.id in seen or user.id == acting or not user.active:
            continue
        seen.add(user.id)
        notice = Notice(user_id=user.id, kind=kind, params=dict(params), meeting_id=meeting_id,
                        created_at=utcnow())
        db.session.add(notice)
        db.session.flush()
        mail = queue_mail(f"notice_{kind}"[:40], _message(user, notice), meeting_id=meeting_id,
                          object_id=notice.id, created_by=by_user)
        notice.mail_id = mail.id
        notices.append(notice)
    db.session.flush()
    return notices


def notify_meeting(meeting_id, kind, params, *, extra_users=(), by_user=None):
    """A notice to the delegates of every agency invited to the meeting (and `extra_users`)."""
    users = queries.delegates_of(kinds.meeting_agency_ids(meeting_id)) + list(extra_users)
    return notify(users, kind, params, meeting_id=meeting_id, by_user=by_user)


def _message(user, notice):
    with force_locale(MAIL_LOCALE):
        shown = kinds.render(notice.kind, notice.params)
        link = external_url(shown.endpoint, **shown.values)
        organizer = current_app.config.get("ORGANIZER_NAME") or "Rakor"
        closing = [p for p in (shown.reason, _("You can see all your notices in Rakor under \u201cNotices\u201d.")) if p]
        return compose(user.email, shown.title, Content(
            greeting=_("Dear %(name)s,", name=user.name), paragraphs=[shown.text], details=list(shown.details),
            action=(shown.action or _("Open in Rakor"), link), closing=closing, signature=[organizer]))


def mark_read(notice: Notice, now=None):
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        db.session.flush()


def mark_all_read(user, now=None) -> int:
    result = db.session.execute(update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
                                .values(read_at=now or utcnow()))
    return result.rowcount
