"""The signed-in user's row kept in Redis for a short time, so that a page does not read it from
the database on every request: on a meeting day it was a quarter of the workers' time, and the
only query of a kept page (rakor/core/page_cache.py). The API's token cache's way
(rakor/api/token_cache.py), for the browser's session.

An entry is keyed by the user's id and holds the user's non-secret columns, the agencies it acts
for beside its own (tenancy) and the SHA-256 of its session token, which the cookie's token is
compared with (neither the token, the password hash nor the calendar token is kept), stamped with
a generation counter. A lookup reads the entry and the counter in one round trip and uses the
entry only while the counter is unchanged. The counter moves *after the commit* of any change of
a user row (every column: signing in and changing a password rotate the session token, which must
end the old cookies at once; deactivating, a new role or agency), of the agencies a user acts
for, and of a bulk INSERT, UPDATE or DELETE of either table; so a session signed out everywhere,
a deactivated user or a changed role is refused or seen from the next request on, by every
worker. The order is the page cache's: a reader that read the old counter before the commit may
store what it read under it, which nobody accepts any more; it cannot store old data under the
new one. A change made past the ORM (SQL by hand) moves nothing: an entry lives at most
SESSION_USER_CACHE_SECONDS (default 60).

The navbar's unread count, which comes with the user's row from the database, is not kept (it
changes with every notice): a page rendered for a user found here asks for it (one query); a
kept page shows the one it was stored with, under the reader's own version.

On with REDIS_URL; SESSION_USER_CACHE_SECONDS=0 turns it off. Without it, and when Redis does not
answer, the user is read from the database as before.
"""
import hashlib
import json
import logging

from redis.exceptions import RedisError

from rakor.auth import tenancy
from rakor.auth.models import User, UserManagedAgency
from rakor.core import detached_rows
from rakor.core.after_commit import follow_commits
from rakor.extensions import db

log = logging.getLogger(__name__)

_PREFIX = "rakor:session-user:"
_EXTENSION = "rakor.auth.session_cache"
_SESSION_KEY = "rakor.auth.session_cache.changed"
USER_COLUMNS = ("id", "email", "name", "role", "agency_id", "active", "is_demo", "created_at")
_DATETIMES = frozenset({"created_at"})
_TABLES = {User.__table__.name, UserManagedAgency.__table__.name}
REFUSED = False  # `lookup`: the entry holds and the cookie's token is not the user's


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class SessionCache(detached_rows.GenerationStore):
    PREFIX = _PREFIX

    def write(self, user, generation, extra_agency_ids):
        entry = {"gen": generation, "user": detached_rows.columns(user, USER_COLUMNS),
                 "token": token_digest(user.session_token), "extra_agency_ids": extra_agency_ids}
        self.redis.set(f"{self.prefix}e:{user.id}", json.dumps(entry), ex=self.seconds)

    def bump(self):
        self.redis.incr(self.prefix + "gen")


def _build(raw):
    """(generation, the session token's digest, the user as a detached instance that `lookup`
    merges into each request's session, its extra agencies as tenancy.extra_agency_ids_column
    writes them)."""
    entry = json.loads(raw)
    return (entry.get("gen"), entry["token"], detached_rows.instance(User, entry["user"], _DATETIMES),
            entry.get("extra_agency_ids"))


_templates = detached_rows.Decoded(_build)


def init_app(app):
    detached_rows.install(app, _EXTENSION, "SESSION_USER_CACHE_SECONDS", SessionCache)
    listen()


def cache():
    return detached_rows.installed(_EXTENSION)


def lookup(user_id, token):
    """(user, generation) from an entry that holds, the user attached to the request's session;
    (REFUSED, generation) when the entry holds and `token` is not the user's session token (or
    the user is inactive); (None, generation) on a miss; (None, None) when there is no cache or
    Redis fails."""
    store = cache()
    if store is None:
        return None, None
    try:
        raw, generation = store.read(user_id)
        template = _templates(raw) if raw is not None else None
    except (RedisError, ValueError, KeyError) as error:
        log.warning("session user cache unavailable: %s", error)
        return None, None
    if template is None or template[0] != generation:
        return None, generation
    _gen, digest, user, extra_agency_ids = template
    if digest != token_digest(token) or not user.active:
        return REFUSED, generation
    user = db.session.merge(user, load=False)
    tenancy.keep_extra_agency_ids(user, extra_agency_ids)  # no query of them in this request
    return user, generation


def remember(user, generation):
    """Keep the user read from the database, stamped with the generation read before it."""
    store = cache()
    if store is None or generation is None:
        return
    extra = sorted(tenancy.own_agency_ids(user) - {user.agency_id})  # none but a scoped user's
    try:
        store.write(user, generation, ",".join(str(i) for i in extra) or None)
    except RedisError as error:
        log.warning("session user cache: entry not written: %s", error)


# --- what moves the counter -------------------------------------------------------------------

def _after_flush(session, _flush_context):
    if session.info.get(_SESSION_KEY):
        return
    for obj in (*session.new, *session.deleted, *session.dirty):
        if isinstance(obj, (User, UserManagedAgency)) and (obj not in session.dirty or session.is_modified(obj)):
            session.info[_SESSION_KEY] = True
            return


def _on_execute(state):
    """A bulk INSERT, UPDATE or DELETE of users or of the agencies they act for."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in _TABLES or any(mapper.class_ in (User, UserManagedAgency) for mapper in state.all_mappers):
        state.session.info[_SESSION_KEY] = True


def _bump(_changed):
    store = cache()
    if store is not None:
        try:
            store.bump()
        except RedisError as error:
            # Committed; an entry from before lives at most SESSION_USER_CACHE_SECONDS.
            log.warning("session user cache: counter not moved: %s", error)


def listen():
    """Install the session listeners once per process (every app shares SQLAlchemy's Session)."""
    follow_commits(_SESSION_KEY, on_flush=_after_flush, on_execute=_on_execute, on_commit=_bump)

