"""A token's lookup kept in Redis for a short time, so that an API request does not query the
token and its user every time (the list at national scale: issue 21's performance target).

An entry is keyed by the token's hash and holds the token's columns and the user's non-secret
columns (no password hash, session or calendar token), stamped with a generation counter. A
lookup reads the entry and the counter in one round trip and uses the entry only while the
counter is unchanged. The counter moves *after the commit* of any change to a user or a token
that the entry could hold (a revocation, an expiry changed, a user deactivated, given another
role or agency, deleted; a bulk UPDATE/DELETE of either table too), so a revoked token or a
deactivated user is refused from the next request on, by every worker. The order is the page
cache's (rakor/core/page_cache.py): a reader that read the old counter before the commit may store
what it read under the old counter, which nobody accepts any more; it cannot store old data under
the new one.

Only "last used" changes without moving the counter (tokens.record_use declares its UPDATE with
`api_token_cache=False`; the entry is written again with the new time).

On with REDIS_URL (API_TOKEN_CACHE_SECONDS, default 60; 0 turns it off); without it, and when
Redis does not answer, every request looks the token up in the database as before.
"""
import json
import logging

from flask import g
from redis.exceptions import RedisError
from sqlalchemy import inspect

from rakor.api.models import ApiToken
from rakor.auth import tenancy
from rakor.auth.models import User, UserManagedAgency
from rakor.core import detached_rows
from rakor.core.after_commit import follow_commits

log = logging.getLogger(__name__)

_PREFIX = "rakor:api-auth:"
_EXTENSION = "rakor.api.token_cache"
_SESSION_KEY = "rakor.api.token_cache.changed"
# What an entry holds. A user's other columns (the secrets among them) are loaded from the
# database if a request touches them.
TOKEN_COLUMNS = ("id", "user_id", "name", "scope", "token_hash", "prefix", "created_at", "expires_at",
                 "last_used_at", "revoked_at", "revoked_by_id")
USER_COLUMNS = ("id", "email", "name", "role", "agency_id", "active", "is_demo", "created_at")
_DATETIMES = {"created_at", "expires_at", "last_used_at", "revoked_at"}
# Columns whose change leaves an entry valid: a sign-in (its time, a new session token) and a use.
# The agencies a committee or leadership user acts for beside its own (tenancy) are in the
# entry too: a change of them moves the counter like a change of the user.
_IGNORED = {User: {"last_login_at", "session_token", "password_hash", "calendar_token"},
            ApiToken: {"last_used_at"}, UserManagedAgency: set()}
_MANAGED_AGENCIES = UserManagedAgency.__table__.name


# KEYS: the counters, then the entry and the generation counter; ARGV: each counter's window in
# seconds. A missing entry or generation comes back as nil (false in Lua).
_READ_COUNTING = """
local counted = {}
for i = 1, #ARGV do
  counted[i] = redis.call('INCRBY', KEYS[i], 1)
  redis.call('EXPIRE', KEYS[i], ARGV[i], 'NX')
end
counted[#ARGV + 1] = redis.call('GET', KEYS[#ARGV + 1])
counted[#ARGV + 2] = redis.call('GET', KEYS[#ARGV + 2])
return counted
"""


class TokenCache(detached_rows.GenerationStore):
    PREFIX = _PREFIX

    def __init__(self, url, namespace, seconds):
        super().__init__(url, namespace, seconds)
        self._read_counting = self.redis.register_script(_READ_COUNTING)

    def read_counting(self, token_hash, counters):
        """(entry's bytes or None, generation, counts) in one round trip: each (key, seconds) of
        `counters` is incremented as limits' fixed window does (INCRBY; the expiry set by the
        first hit of the window only), then the entry and the counter read, by one script
        (EVALSHA: one command, where a pipeline of the same five cost redis-py's pipeline
        machinery about 270 more Python calls per request)."""
        keys = [key for key, _seconds in counters]
        *counted, entry, generation = self._read_counting(
            keys=[*keys, self.prefix + "e:" + token_hash, self.prefix + "gen"],
            args=[seconds for _key, seconds in counters])
        return entry, int(generation or 0), [int(count) for count in counted]

    def write(self, token, user, generation, extra_agency_ids):
        entry = {"gen": generation, "token": detached_rows.columns(token, TOKEN_COLUMNS),
                 "user": detached_rows.columns(user, USER_COLUMNS), "extra_agency_ids": extra_agency_ids}
        self.redis.set(self.prefix + "e:" + token.token_hash, json.dumps(entry), ex=self.seconds)


def _build(raw):
    """(generation, token, user, the user's extra agencies as tenancy.extra_agency_ids_column
    writes them) of an entry: the two detached instances that `lookup` merges into each request's
    session (merge copies them, so they stay as built)."""
    entry = json.loads(raw)
    return (entry.get("gen"), detached_rows.instance(ApiToken, entry["token"], _DATETIMES),
            detached_rows.instance(User, entry["user"], _DATETIMES), entry.get("extra_agency_ids"))


_templates = detached_rows.Decoded(_build)


def init_app(app):
    detached_rows.install(app, _EXTENSION, "API_TOKEN_CACHE_SECONDS", TokenCache)
    listen()


def cache():
    return detached_rows.installed(_EXTENSION)


def read_counting(token_hash, counters):
    """The API's rate-limit counters incremented with the entry's read, in one round trip
    (rakor/api/rate_limit.py): their counts, the entry kept for `lookup` in this request. None
    when there is no cache (the caller counts on its own)."""
    store = cache()
    if store is None:
        return None
    raw, generation, counts = store.read_counting(token_hash, counters)  # RedisError: as the limiter's
    g._rakor_token_read = (token_hash, raw, generation)
    return counts


def lookup(token_hash, session):
    """(token, user, generation) from a valid entry, attached to `session`; (None, None,
    generation) on a miss; (None, None, None) when there is no cache or Redis fails."""
    store = cache()
    if store is None:
        return None, None, None
    try:
        read = g.pop("_rakor_token_read", None)
        raw, generation = read[1:] if read is not None and read[0] == token_hash else store.read(token_hash)
        templates = _templates(raw) if raw is not None else None
    except (RedisError, ValueError) as error:
        log.warning("API token cache unavailable: %s", error)
        return None, None, None
    if templates is None or templates[0] != generation:
        return None, None, generation
    token = session.merge(templates[1], load=False)
    user = session.merge(templates[2], load=False)
    inspect(token).info["api_token_cache_generation"] = generation
    tenancy.keep_extra_agency_ids(user, templates[3])  # no query of them in this request
    return token, user, generation


def remember_use(token, user):
    """The entry again with the token's new "last used" (same generation: a use changes nothing
    else); before the commit, which would expire what the entry is written from."""
    generation = inspect(token).info.get("api_token_cache_generation")
    remember(token, user, generation)


def remember(token, user, generation):
    """Keep what was read from the database, stamped with the generation read before it."""
    store = cache()
    if store is None or generation is None:
        return
    inspect(token).info["api_token_cache_generation"] = generation
    extra = sorted(tenancy.own_agency_ids(user) - {user.agency_id})  # none but a scoped user's
    try:
        store.write(token, user, generation, ",".join(str(i) for i in extra) or None)
    except RedisError as error:
        log.warning("API token cache: entry not written: %s", error)


# --- what moves the counter -------------------------------------------------------------------

def _changed(obj):
    """A change of a token or user row an entry could hold (not only its ignored columns)."""
    ignored = _IGNORED[type(obj)]
    return any(attr.history.has_changes() for attr in inspect(obj).attrs if attr.key not in ignored)


def _after_flush(session, _flush_context):
    if session.info.get(_SESSION_KEY):
        return
    if (any(type(obj) in _IGNORED for obj in (*session.new, *session.deleted))
            or any(type(obj) in _IGNORED and _changed(obj) for obj in session.dirty)):
        session.info[_SESSION_KEY] = True


def _on_execute(state):
    """A bulk UPDATE or DELETE of users or tokens moves the counter, unless it declares
    `execution_options(api_token_cache=False)` (a token's last use); so does any INSERT, UPDATE
    or DELETE of a user's extra agencies (auth.services.set_extra_agencies writes them on the
    table)."""
    if state.execution_options.get("api_token_cache") is False:
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if (state.is_insert and table == _MANAGED_AGENCIES) or ((state.is_update or state.is_delete) and (
            table == _MANAGED_AGENCIES or any(mapper.class_ in _IGNORED for mapper in state.all_mappers))):
        state.session.info[_SESSION_KEY] = True


def _bump(_changed):
    store = cache()
    if store is not None:
        try:
            store.bump()
        except RedisError as error:
            # Committed; an entry from before lives at most API_TOKEN_CACHE_SECONDS.
            log.warning("API token cache: counter not moved: %s", error)


def listen():
    """Install the session listeners once per process (every app shares SQLAlchemy's Session)."""
    follow_commits(_SESSION_KEY, on_flush=_after_flush, on_execute=_on_execute, on_commit=_bump)
