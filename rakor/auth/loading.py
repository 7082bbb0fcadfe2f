"""The signed-in user's row, with what every page asks about that user, in one query.

Every page of a signed-in user read its row, then asked one or two more questions of it (the
extra agencies a scoped committee or leadership account acts for; the navbar's unread notices),
one query each. A feature registers such a question here as a correlated scalar column
(`loader()`, of the outer `User`) and a `keep(user, value)` that remembers the answer for the
rest of the request (`register_column`); the user loader adds the columns to the user's own
query. The answers are kept with the user in the session cache (rakor/auth/session_cache.py):
one that depends on rows other than the user's and the agencies it acts for names them
(`moved_by`), so that their change ends the entry of the user they name.
"""
from sqlalchemy import bindparam, select

from rakor.auth import session_cache
from rakor.auth.models import User
from rakor.core import lone_reads
from rakor.core.registry import Registry
from rakor.extensions import db

user_columns = Registry("user columns")


def register_column(key, *, loader, keep, moved_by=None):
    """A question every page asks of the signed-in user, answered by a column of its query.
    `moved_by`: (model, attribute naming the user) of the rows its answer depends on."""
    user_columns.register(key, loader=loader, keep=keep)
    if moved_by is not None:
        session_cache.moved_per_user(*moved_by)

# Every request of a signed-in user runs this query: built once per set of registered columns
# (with a bind parameter), as building it and its cache key took more CPU than running it.
_statements = {}


def _statement(entries):
    stmt = _statements.get(entries)
    if stmt is None:
        stmt = _statements[entries] = (select(User, *(e.loader().label(e.key) for e in entries))
                                       .where(User.id == bindparam("user_id")))
    return stmt


def load_user(user_id):
    """The user `user_id` (or None), its registered columns kept for the request."""
    return _load(user_id)[0]


def _load(user_id):
    """(the user `user_id` or None, its registered columns' answers by key), the answers kept
    for the request."""
    entries = tuple(user_columns)
    # The first statement of every signed-in request: outside a transaction on PostgreSQL (no
    # BEGIN of its own; a kept page reads nothing else, so it has no COMMIT either).
    with lone_reads.outside_transaction():
        row = db.session.execute(_statement(entries), {"user_id": user_id}).first()
    if row is None:
        return None, None
    user = row[0]
    answers = {entry.key: value for entry, value in zip(entries, row[1:], strict=True)}
    _keep(user, answers)
    return user, answers


def _keep(user, answers):
    for entry in user_columns:
        entry.keep(user, answers[entry.key])


def signed_in_user(user_id, token):
    """The active user `user_id` whose session token is `token` (the cookie's), else None: from
    the session cache while its entry holds (rakor/auth/session_cache.py), else from the database,
    then kept there."""
    found, stamp, answers = session_cache.lookup(user_id, token)
    if found is session_cache.REFUSED:
        return None
    if found is not None and answers.keys() == {entry.key for entry in user_columns}:
        _keep(found, answers)
        return found
    user, answers = _load(user_id)
    if user is None or user.session_token != token or not user.active:
        return None
    session_cache.remember(user, stamp, answers)
    return user
