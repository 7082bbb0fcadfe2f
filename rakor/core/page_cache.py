"""Rendered page fragments kept in Redis, valid while the data they show has not changed.

A page declares the *scopes* its fragment shows (`"meeting:7"`: anything of meeting 7) and a
key for what else it depends on (the viewer's role and agency, the locale, the query string).
Every scope has a version counter in Redis; a fragment is stored with the versions it was
rendered at and served only while they are all unchanged.

Versions move on their own: a session listener collects the scopes of every row a transaction
inserts, changes or deletes, and increments their counters *after* the commit, so no worker can
serve the old fragment once the change is visible. The order matters: a reader that fetched the
old versions before the increment may render the new data and store it under the old versions,
which nobody asks for again; it can never store old data under the new ones.

Which scopes a row touches:
- a model's own `page_cache_scopes()` (Meeting, User) says so;
- a row with a `meeting_id` touches `meeting:<id>` (the old one too, if it moved), or, when
  its model names a part of the meeting (`page_cache_part`: participants, commitments), only
  `meeting:<id>:<part>`;
- otherwise the scopes of the rows it points to that are already loaded (a progress update
  through its commitment), without running SQL inside the flush;
- anything else touches `global`, which every fragment depends on: an unknown change costs
  a re-render, never a stale page;
- a meeting's scope moves its site-wide twin with it (`meetings`, `meetings:<part>`), which
  a page listing across meetings names (home, rakor/main/dashboard.py). Bulk INSERT/UPDATE/DELETE statements count as `global`
  unless they name their scopes (`execution_options(page_cache_scopes=("meeting:7",))`).

`reader_page` keeps a whole page per reader the same way (the navbar names the reader), unless
a flashed message waits to be shown. `kept_page` finds it again before the route has loaded
anything: an entry names the scopes it was stored with, so a caller that knows only some of
them (the meeting in the URL, not the earlier meeting it follows up) still checks them all.

Fragments also expire after PAGE_CACHE_TTL seconds, for what depends on the clock (a
registration window that closes, "today"). CSRF tokens are per session: a fragment is stored with
a placeholder in their place and gets the reader's token when served.

With PAGE_CACHE_HEADER (benchmarks) a response says in `X-Page-Cache` what each lookup of its
request found, in order: "kept:hit" or "kept:miss" for `kept_page`, "hit" or "miss" for every
`fragment` (`reader_page`'s too). The meeting page: "kept:hit" (the reader's whole page kept),
"kept:miss,miss,hit,..." (rendered around the kept shared body), "kept:miss,miss,miss,..." (rendered
fresh), followed by the lookups of the sections kept apart ("participants:hit", ...); with a
flashed message waiting, the reader's page is not looked up ("hit,participants:miss,...").

Off unless PAGE_CACHE is "redis" (production with REDIS_URL) or "memory" (one process only:
tests and development). A Redis that does not answer costs one render, never an error page.
"""
import hashlib
import logging
import threading
import time

from flask import current_app, g, has_app_context, render_template, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import inspect
from sqlalchemy.orm.attributes import NO_VALUE

from rakor.core.after_commit import follow_commits

log = logging.getLogger(__name__)

GLOBAL = "global"
CSRF_PLACEHOLDER = "\x00rakor-csrf\x00"
_SESSION_KEY = "rakor.page_cache.scopes"
_PREFIX = "rakor:page:"


# --- which scopes a change touches -------------------------------------------------------------

def meeting_scope(meeting_id):
    return f"meeting:{meeting_id}"


# Parts of a meeting's data that change many times on the meeting day (a check-in, a
# registration, a commitment submitted or agreed, the e-mails these send): rows of a model that
# names its part (`page_cache_part`, or its own `page_cache_scopes`) move the part's scope, not
# the meeting's, so the fragments that do not show that part (the agenda, the details, the
# materials) stay kept. A fragment that shows a part names its scope; one that shows everything
# of a meeting names `meeting_scopes`.
PARTICIPANTS = "participants"
COMMITMENTS = "commitments"
MAIL = "mail"
MEETING_PARTS = (PARTICIPANTS, COMMITMENTS, MAIL)


def meeting_part_scope(meeting_id, part):
    if part not in MEETING_PARTS:
        raise ValueError(f"unknown part of a meeting: {part!r}")
    return f"meeting:{meeting_id}:{part}"


# Every meeting's scope has a site-wide twin that moves with it: "meetings" with any meeting's
# own scope, "meetings:<part>" with any meeting's part (`_with_all_meetings`). A page that lists
# across meetings (home) names these instead of one scope per meeting it might show.
ALL_MEETINGS = "meetings"


def all_meetings_scope(part=None):
    if part is not None and part not in MEETING_PARTS:
        raise ValueError(f"unknown part of a meeting: {part!r}")
    return ALL_MEETINGS if part is None else f"{ALL_MEETINGS}:{part}"


def _with_all_meetings(scopes):
    out = set(scopes)
    for scope in scopes:
        kind, _sep, rest = scope.partition(":")
        if kind == "meeting":
            _id, _sep, part = rest.partition(":")
            out.add(all_meetings_scope(part or None))
    return out


def meeting_scopes(meeting_id):
    """Every scope of meeting `meeting_id`: its own and its parts'."""
    return [meeting_scope(meeting_id), *(meeting_part_scope(meeting_id, part) for part in MEETING_PARTS)]


def reader_scope(user_id):
    """What one reader's own layout shows beyond the page (the navbar's unread notices): a
    whole page kept for that reader (`reader_page`) depends on it."""
    return f"reader:{user_id}"


def column_values(obj, name):
    """The values column `name` of `obj` had and has in this flush (old and new when it changed)."""
    history = inspect(obj).attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


def changed(obj, *names):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def scopes_of(obj, depth=0):
    """The scopes a change of `obj` touches (see the module's docstring)."""
    own = getattr(obj, "page_cache_scopes", None)
    if own is not None:
        return set(own())
    state = inspect(obj)
    if "meeting_id" in state.mapper.column_attrs:
        ids = column_values(obj, "meeting_id")
        if ids:
            part = getattr(obj, "page_cache_part", None)
            return {meeting_part_scope(i, part) if part else meeting_scope(i) for i in ids}
    if depth < 2:
        found = set()
        for rel in state.mapper.relationships:
            if rel.direction.name != "MANYTOONE":
                continue
            target = state.dict.get(rel.key, NO_VALUE)  # loaded only: no SQL inside a flush
            if target is NO_VALUE:
                target = _in_session(state, rel)
            if target is not NO_VALUE and target is not None:
                found |= scopes_of(target, depth + 1) - {GLOBAL}
        if found:
            return found
    return {GLOBAL}


def _in_session(state, rel):
    """The row `rel` points to when the session already holds it, though the relationship was
    not loaded (a history event or a progress update made with `commitment_id=`, its commitment
    locked earlier in the request); NO_VALUE when it does not. No SQL: only the identity map."""
    session = state.session
    pairs = rel.local_remote_pairs
    if session is None or len(pairs) != 1 or [c for _l, c in pairs] != list(rel.mapper.primary_key):
        return NO_VALUE
    local = state.mapper.get_property_by_column(pairs[0][0])
    value = state.dict.get(local.key)
    if value is None:
        return NO_VALUE
    return session.identity_map.get(rel.mapper.identity_key_from_primary_key([value]), NO_VALUE)


def _pending(session):
    return session.info.setdefault(_SESSION_KEY, set())


def _after_flush(session, _flush_context):
    pending = _pending(session)
    if GLOBAL in pending:
        return  # everything moves anyway
    changed_rows = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in (*session.new, *changed_rows, *session.deleted):
        pending |= scopes_of(obj)
        if GLOBAL in pending:
            return


def _on_execute(orm_execute_state):
    """A bulk statement may say what it touches with `.execution_options(page_cache_scopes=...)`
    (an empty tuple: nothing any page shows, e.g. a token's last use); else it touches everything."""
    if orm_execute_state.is_insert or orm_execute_state.is_update or orm_execute_state.is_delete:
        declared = orm_execute_state.execution_options.get("page_cache_scopes")
        _pending(orm_execute_state.session).update({GLOBAL} if declared is None else declared)


def touch(session, scopes):
    """Rows written past the session (core/rows.py's COPY) touch these scopes: moved at commit."""
    _pending(session).update(scopes)


def _bump(scopes):
    if not has_app_context():
        return
    store = _store()
    if store is not None:
        try:
            store.bump(_with_all_meetings(scopes))
        except RedisError as error:
            # The data is committed; a fragment kept from before lives at most PAGE_CACHE_TTL.
            log.warning("page cache: versions of %s not moved: %s", sorted(scopes), error)


def listen():
    """Install the session listeners once per process (every app shares SQLAlchemy's Session)."""
    follow_commits(_SESSION_KEY, on_flush=_after_flush, on_execute=_on_execute, on_commit=_bump)


# --- where fragments and versions live ---------------------------------------------------------

class RedisStore:
    def __init__(self, url, namespace=""):
        # Short timeouts: a Redis that hangs must cost a request a moment, not a worker.
        self.redis = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        # Per database: two deployments (or a database re-created) sharing one Redis must not
        # meet each other's versions and fragments.
        self.prefix = f"{_PREFIX}{namespace}:"

    def read(self, scopes, key):
        """([version per scope], stored value or None) in one round trip."""
        values = self.redis.mget([self.prefix + "v:" + s for s in scopes] + [self.prefix + "f:" + key])
        return [int(v or 0) for v in values[:-1]], values[-1]

    def versions(self, scopes):
        return [int(v or 0) for v in self.redis.mget([self.prefix + "v:" + s for s in scopes])]

    def write(self, key, value, ttl):
        self.redis.set(self.prefix + "f:" + key, value, ex=ttl)

    def bump(self, scopes):
        pipe = self.redis.pipeline(transaction=False)
        for scope in scopes:
            pipe.incr(self.prefix + "v:" + scope)
        pipe.execute()


class MemoryStore:
    """One process only (tests, development): versions held here are not shared by workers."""

    def __init__(self):
        self.counters, self.values = {}, {}
        self.lock = threading.Lock()

    def read(self, scopes, key):
        with self.lock:
            value, expires = self.values.get(key, (None, 0))
            return [self.counters.get(s, 0) for s in scopes], value if expires > time.monotonic() else None

    def versions(self, scopes):
        with self.lock:
            return [self.counters.get(s, 0) for s in scopes]

    def write(self, key, value, ttl):
        with self.lock:
            self.values[key] = (value, time.monotonic() + ttl)

    def bump(self, scopes):
        with self.lock:
            for scope in scopes:
                self.counters[scope] = self.counters.get(scope, 0) + 1


def init_app(app):
    kind = app.config.get("PAGE_CACHE") or "off"
    if kind == "redis":
        url = app.config.get("PAGE_CACHE_URL") or app.config.get("REDIS_URL")
        if not url:
            raise RuntimeError("PAGE_CACHE=redis needs REDIS_URL (or PAGE_CACHE_URL)")
        database = str(app.config.get("SQLALCHEMY_DATABASE_URI"))
        app.extensions["rakor.page_cache"] = RedisStore(url, hashlib.sha256(database.encode()).hexdigest()[:12])
    elif kind == "memory":
        app.extensions["rakor.page_cache"] = MemoryStore()
    elif kind != "off":
        raise RuntimeError(f"PAGE_CACHE is {kind!r}: use redis, memory or off")
    app.after_request(_outcome_header)
    listen()


def _note(outcome):
    """Remember what a lookup found, for the X-Page-Cache header (PAGE_CACHE_HEADER only)."""
    if current_app.config.get("PAGE_CACHE_HEADER"):
        g.setdefault("page_cache_outcomes", []).append(outcome)


def _outcome_header(response):
    outcomes = g.get("page_cache_outcomes")
    if outcomes:
        response.headers["X-Page-Cache"] = ",".join(outcomes)
    return response


def _store():
    return current_app.extensions.get("rakor.page_cache")


def active():
    """Whether fragments are kept (PAGE_CACHE is not off): a caller may skip building a key."""
    return _store() is not None


# --- serving a fragment ------------------------------------------------------------------------

def _stamp(scopes, versions):
    return ",".join(f"{scope}={version}" for scope, version in zip(scopes, versions, strict=True))


def _text(stored):
    return stored.decode() if isinstance(stored, bytes) else stored


def _with_readers_token(html):
    return html.replace(CSRF_PLACEHOLDER, generate_csrf())


def fragment(key, scopes, render, ttl=None, name=None):
    """The fragment `render()` returns (a str), from the cache while `scopes` are unchanged.
    `key` must name everything else the fragment depends on; `ttl` (seconds) shortens its life
    below PAGE_CACHE_TTL, and 0 or less keeps nothing; a callable `ttl` is asked after the
    render (what the clock changes may be known only then). `name` labels its lookup in the
    X-Page-Cache header ("name:hit")."""
    store = _store()
    if store is None:
        return render()
    scopes = sorted(set(scopes) | {GLOBAL})
    try:
        versions, stored = store.read(scopes, key)
    except RedisError as error:
        log.warning("page cache unavailable, rendering: %s", error)
        return render()
    # Stored as "<scope=version,...>\n<html>": no JSON to parse on the path every reader takes.
    stamp = _stamp(scopes, versions)
    if stored is not None:
        stored_stamp, _sep, html = _text(stored).partition("\n")
        if stored_stamp == stamp:
            _note(f"{name}:hit" if name else "hit")
            return _with_readers_token(html)
    _note(f"{name}:miss" if name else "miss")
    html = render()
    lifetime = current_app.config.get("PAGE_CACHE_TTL", 120)
    if callable(ttl):
        ttl = ttl()
    if ttl is not None:
        lifetime = min(lifetime, int(ttl))
    if lifetime <= 0:
        return html
    token = generate_csrf()
    try:
        store.write(key, f"{stamp}\n{html.replace(token, CSRF_PLACEHOLDER)}", lifetime)
    except RedisError as error:
        log.warning("page cache unavailable, not storing: %s", error)
    return html


def around_content(template, content_template, kept_as, content, ttl=None, name=None, **page):
    """`template` around its content, `content_template` rendered with `page` and the context
    `content()` returns, the content kept as a fragment: `kept_as()` gives its (key, scopes),
    asked only when fragments are kept. `template` shows `body` when given, else includes
    `content_template` itself: with PAGE_CACHE off the page is one template, rendered whole."""
    if not active():
        return render_template(template, **page, **content())
    key, scopes = kept_as()
    body = fragment(key, scopes, lambda: render_template(content_template, **page, **content()), ttl=ttl, name=name)
    return render_template(template, body=Markup(body), **page)


def reader_page(key, scopes, render, ttl=None, name=None):
    """A whole page for one reader (its navbar names them), kept like a fragment, except when a
    flashed message waits: those are shown once, so that page is rendered for this request only."""
    if session.get("_flashes"):
        return render()
    return fragment(key, scopes, render, ttl, name)


def kept_page(key, scopes):
    """The page `reader_page` stored under `key` if every scope it was stored with is still at
    its version, else None. `scopes` are read with the page in one round trip; the scopes the
    entry names beyond them (and `global`) cost a second one."""
    store = _store()
    if store is None or session.get("_flashes"):
        return None
    known = sorted(set(scopes) | {GLOBAL})
    try:
        versions, stored = store.read(known, key)
        if stored is None:
            _note("kept:miss")
            return None
        stamp, _sep, html = _text(stored).partition("\n")
        entry = dict(item.split("=", 1) for item in stamp.split(","))
        current = {scope: str(version) for scope, version in zip(known, versions, strict=True)}
        others = sorted(set(entry) - set(current))
        if others:
            current.update(zip(others, map(str, store.versions(others)), strict=True))
    except RedisError as error:
        log.warning("page cache unavailable, rendering: %s", error)
        return None
    if entry != current:
        _note("kept:miss")
        return None
    _note("kept:hit")
    return _with_readers_token(html)
