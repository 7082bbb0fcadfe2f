"""Reads of notices: the home panel's unread ones and the notices page, each in fixed queries."""
from sqlalchemy import func, select

from rakor.auth.models import User
from rakor.core import memo
from rakor.extensions import db
from rakor.notices import kinds
from rakor.notices.models import Notice
from rakor.policy import DELEGATE

HOME_LIMIT = 5


def unread(user, limit=HOME_LIMIT):
    """(the newest `limit` unread notices, how many are unread): the count comes with the
    signed-in user's row on a page (else 1 query), the notices in 1 query when there are any."""
    if unread_count(user) == 0:
        return [], 0
    rows = db.session.scalars(select(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
                              .order_by(Notice.id.desc()).limit(limit)).all()
    return rows, len(rows) if len(rows) < limit else unread_count(user)


def _unread_condition(user_id):
    return (Notice.user_id == user_id) & Notice.read_at.is_(None)


def unread_count(user) -> int:
    """How many notices the user has not read (the navbar's badge): none when the count came
    with the signed-in user's row, else one query."""
    return memo.remembered(("unread_notices", user.id), lambda: db.session.scalar(
        select(func.count(Notice.id)).where(_unread_condition(user.id))))


def unread_count_column():
    """SQL: the signed-in user's unread count, a column of its own query (rakor/auth/loading.py)."""
    return select(func.count(Notice.id)).where(_unread_condition(User.id)).scalar_subquery()


def keep_unread_count(user, count):
    memo.keep(("unread_notices", user.id), count)


def home_panel(user):
    """The home page's "Needs action" panel: unread notices, the newest first."""
    rows, count = unread(user)
    return {"notices": [(n, kinds.render(n.kind, n.params)) for n in rows], "unread_count": count}


def page_statement(user):
    return select(Notice).where(Notice.user_id == user.id).order_by(Notice.id.desc())


def own_notice(user, notice_id):
    return db.session.scalar(select(Notice).where(Notice.id == notice_id, Notice.user_id == user.id))


def delegates_of(agency_ids) -> list[User]:
    """The active delegate accounts of these agencies (1 query)."""
    if not agency_ids:
        return []
    return list(db.session.scalars(select(User).where(User.agency_id.in_(list(agency_ids)), User.role == DELEGATE,
                                                      User.active.is_(True)).order_by(User.id)))


def users_with_roles(*roles) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(roles), User.active.is_(True))
                                   .order_by(User.id)))
