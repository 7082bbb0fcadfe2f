"""The signed-in user's row kept in Redis for a short time, so that a page does not read it from
the database on every request: on a meeting day it was a quarter of the workers' time, and the
only query of a kept page (rakor/core/page_cache.py). The API's token cache's way
(rakor/api/token_cache.py), for the browser's session.

An entry is keyed by the user's id and holds the user's non-secret columns, the answers of the
questions registered with its row (rakor/auth/loading.py: the agencies it acts for beside its
own, the navbar's unread notices) and the SHA-256 of its session token, which the cookie's token
is compared with (neither the token, the password hash nor the calendar token is kept), stamped
with two generation counters: one of every entry, one of the user's. A lookup reads the entry and
both counters in one round trip and uses the entry only while both are unchanged.

The counter of every entry moves *after the commit* of any change of a user row (every column:
signing in and changing a password rotate the session token, which must end the old cookies at
once; deactivating, a new role or agency), of the agencies a user acts for, and of a bulk INSERT,
UPDATE or DELETE of either table or of a table that moves a user's own counter; so a session
signed out everywhere, a deactivated user or a changed role is refused or seen from the next
request on, by every worker. A user's own counter moves after the commit of a change of a row
that a registered question depends on, for the user that row names (`moved_per_user`: a notice
of that user, created or read), so a new notice shows in the user's badge from the next request
while every other user's entry holds. The order is the page cache's: a reader that read the old
counters before the commit may store what it read under them, which nobody accepts any more; it
cannot store old data under the new ones. A change made past the ORM (SQL by hand) moves nothing:
an entry lives at most SESSION_USER_CACHE_SECONDS (default 60).

On with REDIS_URL; SESSION_USER_CACHE_SECONDS=0 turns it off. Without it, and when Redis does not
answer, the user is read from the database as before.
"""
import hashlib
import json
import logging
from dataclasses import dataclass, field

from redis.exceptions import RedisError
from sqlalchemy import inspect

from rakor.auth.models import User, UserManagedAgency
from rakor.core import detached_rows, page_cache
from rakor.core.after_commit import follow_commits
from rakor.extensions import db

log = logging.getLogger(__name__)

# "2": entries hold the registered questions' answers; entries of before are not read.
_PREFIX = "rakor:session-user:2:"
_EXTENSION = "rakor.auth.session_cache"
_SESSION_KEY = "rakor.auth.session_cache.changed"
USER_COLUMNS = ("id", "email", "name", "role", "agency_id", "active", "is_demo", "created_at")
_DATETIMES = frozenset({"created_at"})
_TABLES = {User.__table__.name, UserManagedAgency.__table__.name}
_PER_USER = {}  # model -> the attribute naming the user whose own counter its rows move
REFUSED = False  # `lookup`: the entry holds and the cookie's token is not the user's


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def moved_per_user(model, user_attribute):
    """A change of a `model` row moves the own counter of the user its `user_attribute` names
    (a bulk statement on its table moves every entry's)."""
    _PER_USER[model] = user_attribute


class SessionCache(detached_rows.GenerationStore):
    PREFIX = _PREFIX

    def _own(self, user_id):
        return f"{self.prefix}u:{user_id}"

    def read_entry(self, user_id):
        """(entry's bytes or None, (every entry's generation, the user's own)) in one round trip,
        which also reads the page the user is likely to be served from the page cache
        (core/page_cache.py `read_ahead_names`)."""
        ahead = page_cache.read_ahead_names(user_id, self.url)
        names = [f"{self.prefix}e:{user_id}", self.prefix + "gen", self._own(user_id)]
        entry, generation, own, *more = self.redis.mget(names + (ahead[0] if ahead else []))
        if ahead:
            ahead[1](more)
        return entry, (int(generation or 0), int(own or 0))

    def write(self, user, stamp, answers):
        entry = {"stamp": list(stamp), "user": detached_rows.columns(user, USER_COLUMNS),
                 "token": token_digest(user.session_token), "answers": answers}
        self.redis.set(f"{self.prefix}e:{user.id}", json.dumps(entry), ex=self.seconds)

    def bump_users(self, user_ids):
        # The counter outlives every entry stamped before its last move (they expire after
        # `seconds`), so a counter that expired and starts again from 0 matches none of them.
        pipe = self.redis.pipeline(transaction=False)
        for user_id in user_ids:
            pipe.incr(self._own(user_id))
            pipe.expire(self._own(user_id), 2 * self.seconds + 60)
        pipe.execute()


def _build(raw):
    """(stamp, the session token's digest, the user as a detached instance that `lookup` merges
    into each request's session, the registered questions' answers by key). Shared by the
    requests that find the same bytes: read only."""
    entry = json.loads(raw)
    return (tuple(entry["stamp"]), entry["token"], detached_rows.instance(User, entry["user"], _DATETIMES),
            entry["answers"])


_templates = detached_rows.Decoded(_build)


def init_app(app):
    detached_rows.install(app, _EXTENSION, "SESSION_USER_CACHE_SECONDS", SessionCache)
    listen()


def cache():
    return detached_rows.installed(_EXTENSION)


def lookup(user_id, token):
    """(user, stamp, answers) from an entry that holds, the user attached to the request's
    session and `answers` the registered questions' (rakor/auth/loading.py keeps them for the
    request); (REFUSED, stamp, None) when the entry holds and `token` is not the user's session
    token (or the user is inactive); (None, stamp, None) on a miss; (None, None, None) when there
    is no cache or Redis fails."""
    store = cache()
    if store is None:
        return None, None, None
    try:
        raw, stamp = store.read_entry(user_id)
        template = _templates(raw) if raw is not None else None
    except (RedisError, ValueError, KeyError, TypeError) as error:
        log.warning("session user cache unavailable: %s", error)
        return None, None, None
    if template is None or template[0] != stamp:
        return None, stamp, None
    _stamp, digest, user, answers = template
    if digest != token_digest(token) or not user.active:
        return REFUSED, stamp, None
    return db.session.merge(user, load=False), stamp, answers


def remember(user, stamp, answers):
    """Keep the user read from the database with its registered questions' `answers` (JSON
    values), stamped with the counters read before they were read."""
    store = cache()
    if store is None or stamp is None:
        return
    try:
        store.write(user, stamp, answers)
    except RedisError as error:
        log.warning("session user cache: entry not written: %s", error)


# --- what moves the counters ------------------------------------------------------------------

@dataclass
class _Changed:
    everyone: bool = False
    user_ids: set = field(default_factory=set)


def _changed(session):
    return session.info.setdefault(_SESSION_KEY, _Changed())


def _user_ids(obj, attribute):
    """The users a row names, before and after the flush (a row moved to another user moves both)."""
    history = inspect(obj).attrs[attribute].history
    return {i for i in (*history.added, *history.unchanged, *history.deleted) if i is not None}


def _after_flush(session, _flush_context):
    found = session.info.get(_SESSION_KEY)
    if found is not None and found.everyone:
        return
    dirty = session.dirty
    for obj in (*session.new, *session.deleted, *dirty):
        if obj in dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, (User, UserManagedAgency)):
            _changed(session).everyone = True
            return
        attribute = _PER_USER.get(type(obj))
        if attribute is not None:
            _changed(session).user_ids.update(_user_ids(obj, attribute))


def _on_execute(state):
    """A bulk INSERT, UPDATE or DELETE of users, of the agencies they act for, or of rows that
    move a user's own counter (which users it touched is not known: every entry's moves)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    watched = (User, UserManagedAgency, *_PER_USER)
    if (table in _TABLES or table in {model.__table__.name for model in _PER_USER}
            or any(mapper.class_ in watched for mapper in state.all_mappers)):
        _changed(state.session).everyone = True


def _bump(changed):
    store = cache()
    if store is None or not (changed.everyone or changed.user_ids):
        return
    try:
        if changed.everyone:
            store.bump()
        else:
            store.bump_users(sorted(changed.user_ids))
    except RedisError as error:
        # Committed; an entry from before lives at most SESSION_USER_CACHE_SECONDS.
        log.warning("session user cache: counter not moved: %s", error)


def listen():
    """Install the session listeners once per process (every app shares SQLAlchemy's Session)."""
    follow_commits(_SESSION_KEY, on_flush=_after_flush, on_execute=_on_execute, on_commit=_bump)
