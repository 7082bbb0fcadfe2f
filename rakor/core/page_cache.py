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
With a `Shell`, `reader_page` also keeps the reader's page around a slot where its content goes
(the layout, by fewer scopes than the page: a check-in changes the content, not the navbar), and
`kept_together` puts the page together from that shell and the kept content when the whole page
has lapsed: on a meeting day every write ends every reader's whole page, while the content of
each viewer class is rendered once and the shells stay.

Fragments also expire after PAGE_CACHE_TTL seconds, for what depends on the clock (a
registration window that closes, "today"). CSRF tokens are per session: a fragment is stored with
a placeholder in their place and gets the reader's token when served.

With PAGE_CACHE_HEADER (benchmarks) a response says in `X-Page-Cache` what each lookup of its
request found, in order: "kept:hit" or "kept:miss" for `kept_page`, "together:hit" or
"together:miss" for `kept_together`, "hit" or "miss" for every `fragment` (`reader_page`'s too).
The meeting page: "kept:hit" (the reader's whole page kept), "kept:miss,together:hit" (put
together from the reader's shell and the kept body and sections), "kept:miss,together:miss,miss,hit,..."
(rendered around the kept shared body), "kept:miss,together:miss,miss,miss,..." (rendered fresh),
followed by the lookups of the sections kept apart ("participants:hit", ...); with a flashed
message waiting, the reader's page is not looked up ("hit,participants:miss,...").

Off unless PAGE_CACHE is "redis" (production with REDIS_URL) or "memory" (one process only:
tests and development). A Redis that does not answer costs one render, never an error page.
"""
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

from flask import current_app, g, has_app_context, has_request_context, render_template, request, session
from flask_login import current_user
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
SLOT = "\x00rakor-content\x00"  # where a reader's shell takes the page's content
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
        self.url = url
        # Short timeouts: a Redis that hangs must cost a request a moment, not a worker.
        self.redis = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        # Per database: two deployments (or a database re-created) sharing one Redis must not
        # meet each other's versions and fragments.
        self.prefix = f"{_PREFIX}{namespace}:"

    def read_many(self, scopes, keys, left=False):
        """([version per scope], [stored value or None per key], with `left` the seconds the first
        key has left (None when it has none), else None) in one round trip."""
        names = self.names(scopes, keys)
        if left:
            pipe = self.redis.pipeline(transaction=False)
            pipe.mget(names)
            pipe.pttl(self.prefix + "f:" + keys[0])
            values, left_ms = pipe.execute()
        else:
            values, left_ms = self.redis.mget(names), 0
        return ([int(v or 0) for v in values[:len(scopes)]], values[len(scopes):],
                left_ms / 1000 if left_ms > 0 else None)

    def names(self, scopes, keys):
        """The Redis names `read_many` reads (its MGET), versions first."""
        return [self.prefix + "v:" + s for s in scopes] + [self.prefix + "f:" + k for k in keys]

    def versions(self, scopes):
        return [int(v or 0) for v in self.redis.mget([self.prefix + "v:" + s for s in scopes])]

    def write(self, key, value, ttl):
        self.redis.set(self.prefix + "f:" + key, value, ex=ttl)

    def write_many(self, entries):
        """Each (key, value, ttl) of `entries`, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        for key, value, ttl in entries:
            pipe.set(self.prefix + "f:" + key, value, ex=ttl)
        pipe.execute()

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

    def read_many(self, scopes, keys, left=False):
        with self.lock:
            now = time.monotonic()
            found = [self.values.get(key, (None, 0)) for key in keys]
            values = [value if expires > now else None for value, expires in found]
            seconds = found[0][1] - now if left and values[0] is not None else None
            return [self.counters.get(s, 0) for s in scopes], values, seconds

    def versions(self, scopes):
        with self.lock:
            return [self.counters.get(s, 0) for s in scopes]

    def write(self, key, value, ttl):
        with self.lock:
            self.values[key] = (value, time.monotonic() + ttl)

    def write_many(self, entries):
        for key, value, ttl in entries:
            self.write(key, value, ttl)

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


class Shell(NamedTuple):
    """A reader's page kept around a slot for its content as well as whole (`reader_page`): its
    `key`, the `scopes` the page shows outside its content (fewer than the page's: not the data a
    write of the meeting day changes), and `content()`, asked after the render: the page's content
    as it is in the page (the shell is the page with that text replaced by SLOT; not kept if
    the text is not found in it exactly once)."""
    key: str
    scopes: Sequence[str]
    content: Callable[[], str | None]


def fragment(key, scopes, render, ttl=None, name=None, shell=None, read_ahead=False):
    """The fragment `render()` returns (a str), from the cache while `scopes` are unchanged.
    `key` must name everything else the fragment depends on; `ttl` (seconds) shortens its life
    below PAGE_CACHE_TTL, and 0 or less keeps nothing; a callable `ttl` is asked after the
    render (what the clock changes may be known only then). `name` labels its lookup in the
    X-Page-Cache header ("name:hit"). A `Shell` is kept beside it (`reader_page`). With
    `read_ahead`, a reader's whole page: it may have been read with the reader's session entry."""
    store = _store()
    if store is None:
        return render()
    scopes = sorted(set(scopes) | {GLOBAL})
    try:
        read = _read_ahead(store, key, scopes) if read_ahead else None
        versions, (stored,), _left = read if read is not None else store.read_many(scopes, [key])
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
    entries = [(key, f"{stamp}\n{html.replace(token, CSRF_PLACEHOLDER)}", lifetime)]
    if shell is not None:
        entries += _shell_entry(shell, html, dict(zip(scopes, versions, strict=True)), lifetime, token)
    try:
        store.write_many(entries)
    except RedisError as error:
        log.warning("page cache unavailable, not storing: %s", error)
    return html


def _shell_entry(shell, html, versions, lifetime, token):
    """The shell of page `html` as an entry to store, stamped with the `versions` the page was
    rendered at (its scopes are among the page's), or none when its content cannot be cut out."""
    content = shell.content()
    if not content or html.count(content) != 1:
        return []
    scopes = sorted(set(shell.scopes) | {GLOBAL})
    unread = set(scopes) - versions.keys()
    if unread:
        raise ValueError(f"a shell's scopes must be among its page's: {sorted(unread)}")
    around = html.replace(content, SLOT).replace(token, CSRF_PLACEHOLDER)
    return [(shell.key, f"{_stamp(scopes, [versions[s] for s in scopes])}\n{around}", lifetime)]


def around_content(template, content_template, kept_as, content, ttl=None, name=None, **page):
    """`template` around its content, `content_template` rendered with `page` and the context
    `content()` returns, the content kept as a fragment: `kept_as()` gives its (key, scopes),
    asked only when fragments are kept. `template` shows `body` when given, else includes
    `content_template` itself: with PAGE_CACHE off the page is one template, rendered whole."""
    if not active():
        return render_template(template, **page, **content())
    key, scopes = kept_as()
    body = kept_content(fragment(key, scopes, lambda: render_template(content_template, **page, **content()),
                                 ttl=ttl, name=name))
    return render_template(template, body=body, **page)


def kept_content(html):
    """`html`, the kept content of this request's page, as Markup: noted as where the reader's
    shell is cut (`whole_for_reader`)."""
    g.kept_content = content = Markup(html)
    return content


def reader_page(key, scopes, render, ttl=None, name=None, shell=None):
    """A whole page for one reader (its navbar names them), kept like a fragment, except when a
    flashed message waits: those are shown once, so that page is rendered for this request only.
    With a `Shell`, the page around its content is kept too (`kept_together`)."""
    if session.get("_flashes"):
        return render()
    # Read ahead where the page itself is looked up here; where `kept_page` looked it up first,
    # that lookup is the one read ahead.
    return fragment(key, scopes, render, ttl, name, shell, read_ahead=not g.get(_KEPT_PAGE_ASKED))


def _parse(stored):
    """(the scopes an entry was stored with and their versions, its HTML)."""
    stamp, _sep, html = _text(stored).partition("\n")
    return dict(item.split("=", 1) for item in stamp.split(",")), html


def _read_current(store, keys, known, left=False, read=None):
    """The entries under `keys` (None when any is missing) and the current version of every scope
    in `known` or named by an entry: `known` are read with the entries in one round trip (or
    `read`, what `read_many` gave for them already), the others cost a second one. With `left`,
    also the seconds the first entry has left."""
    versions, stored, left = read if read is not None else store.read_many(known, keys, left)
    if any(value is None for value in stored):
        return None, None, None
    entries = [_parse(value) for value in stored]
    current = {scope: str(version) for scope, version in zip(known, versions, strict=True)}
    others = sorted(set().union(*(entry for entry, _html in entries)) - current.keys())
    if others:
        current.update(zip(others, map(str, store.versions(others)), strict=True))
    return entries, current, left


def _holds(entry, needed, current):
    """Whether an entry names every scope it must depend on and each is still at its version."""
    return needed <= entry.keys() and all(current[scope] == version for scope, version in entry.items())


def kept_page(key, scopes):
    """The page `reader_page` stored under `key` if every scope it was stored with is still at
    its version, else None. `scopes` are read with the page in one round trip; the scopes the
    entry names beyond them (and `global`) cost a second one."""
    store = _store()
    if store is None or session.get("_flashes"):
        return None
    known = sorted(set(scopes) | {GLOBAL})
    g.setdefault(_KEPT_PAGE_ASKED, True)
    try:
        entries, current, _left = _read_current(store, [key], known, read=_read_ahead(store, key, known))
    except RedisError as error:
        log.warning("page cache unavailable, rendering: %s", error)
        return None
    if entries is None or not _holds(entries[0][0], set(known), current):
        _note("kept:miss")
        return None
    _note("kept:hit")
    return _with_readers_token(entries[0][1])


# --- the reader's kept page read with the reader's session entry -----------------------------------
# A kept page costs two round trips to Redis: the signed-in user's entry (rakor/auth/
# session_cache.py), then the page and its versions, whose key names the user's viewer class. On
# a meeting day four requests in five are such a page. Each worker remembers which page and
# scopes were looked up for a reader's address lately (by `kept_page`, else by `reader_page`); on
# the reader's next request to it the session cache reads them in the same MGET as the entry
# (`read_ahead_names`), and the lookup uses what was read when it asks for the same key and
# scopes (it asks anew otherwise: another language, another viewer class). What was read is as
# current as a lookup made a moment earlier in the same request.

_LOOKED_UP = {}  # per worker: (reader id, script root, address) -> (key, scopes) looked up there
_LOOKED_UP_MAX = 4096
_READ_AHEAD = "page_cache_read_ahead"  # on flask.g: key -> (scopes, what read_many gives)
_KEPT_PAGE_ASKED = "page_cache_kept_page_asked"  # on flask.g: `kept_page` looked a page up


def _address(reader_id):
    return reader_id, request.script_root, request.full_path


def read_ahead_names(reader_id, url):
    """(Redis names, finish) for the page looked up last for this reader's address (`_read_ahead`),
    to read in the same MGET as the reader's session entry, from a Redis at `url`; `finish(values)`
    takes what was read for them. None when there is none, or the page cache is elsewhere."""
    store = _store()
    if not isinstance(store, RedisStore) or store.url != url or not has_request_context():
        return None
    planned = _LOOKED_UP.get(_address(reader_id))
    if planned is None:
        return None
    key, known = planned

    def finish(values):
        g.setdefault(_READ_AHEAD, {})[key] = (known, ([int(v or 0) for v in values[:len(known)]],
                                                      values[len(known):], None))

    return store.names(known, [key]), finish


def _read_ahead(store, key, known):
    """What was read for `key` and `known` with the session entry, if it was; remembers them for
    the reader's next request."""
    reader_id = getattr(current_user, "id", None)  # None: nobody signed in, nothing read ahead
    if not isinstance(store, RedisStore) or reader_id is None:
        return None
    address = _address(reader_id)
    if _LOOKED_UP.get(address) != (key, known):
        if len(_LOOKED_UP) >= _LOOKED_UP_MAX:
            _LOOKED_UP.clear()
        _LOOKED_UP[address] = (key, known)
    found = g.get(_READ_AHEAD, {}).pop(key, None)
    return found[1] if found is not None and found[0] == known else None


def kept_together(key, scopes, shell, pieces, join):
    """The reader's page under `key` (its `scopes`, as `reader_page` keeps it) put together from
    its kept shell and content when the whole page has lapsed: the `Shell` given to `reader_page`,
    and `pieces`, (key, scopes) each as `fragment` stored them; `join(shell_html,
    [piece_html, ...])` makes the page. Served only when every one is kept and current: the
    shell was stored after the page's access rule let this reader in, by the scopes and key of
    what that rule reads, so it vouches for the reader as the whole page did. The page is then kept
    whole again, stamped with every version read, for the time its shell has left (the shell
    lives as long as the page it was cut from: the access rule's clock bounds both). None when
    any is missing or stale: the caller renders."""
    store = _store()
    if store is None or session.get("_flashes"):
        return None
    wanted = [(shell.key, shell.scopes), *pieces]
    known = sorted(set(scopes).union(*(needed for _key, needed in wanted)) | {GLOBAL})
    try:
        entries, current, left = _read_current(store, [entry_key for entry_key, _needed in wanted], known, left=True)
    except RedisError as error:
        log.warning("page cache unavailable, rendering: %s", error)
        return None
    if entries is None or not all(_holds(entry, set(needed) | {GLOBAL}, current)
                                  for (entry, _html), (_key, needed) in zip(entries, wanted, strict=True)):
        _note("together:miss")
        return None
    _note("together:hit")
    page = join(entries[0][1], [html for _entry, html in entries[1:]])
    lifetime = int(min(current_app.config.get("PAGE_CACHE_TTL", 120), left or 0))
    if lifetime > 0:
        stamped = sorted(set(known).union(*(entry for entry, _html in entries)))
        try:
            store.write(key, f"{_stamp(stamped, [current[s] for s in stamped])}\n{page}", lifetime)
        except RedisError as error:
            log.warning("page cache unavailable, not storing: %s", error)
    return _with_readers_token(page)


def shell_key(page_key):
    """The key of a reader's page around its content (`Shell`), from the whole page's: what it
    depends on is the same."""
    return f"{page_key}:shell"


def reader_key(content_key, reader_id):
    """The key of a page kept whole for one reader (its layout names them), from the key of the
    content it shows."""
    return f"{content_key}:reader:{reader_id}"


def whole_for_reader(reader_id, scopes, content, render, ttl=None, name=None, shell_scopes=()):
    """The page `render()` returns (HTML text) kept whole for reader `reader_id` (`reader_key`
    of its content's key) while `scopes` are unchanged (`reader_page`), served at once when
    kept (`kept_page`); when it lapsed, put together (`kept_together`) from the reader's shell and
    `content`, the (key, scopes) of the page's one kept content (`kept_content`), as long as both
    are current. The shell is kept by `shell_scopes` and the reader's own scope: what the page
    shows outside its content, and what its access rule reads, as it vouches for the reader as
    the whole page does. The caller runs nothing it has not covered by `key` and `scopes` before
    this."""
    key = reader_key(content[0], reader_id)
    kept = kept_page(key, scopes)
    if kept is not None:
        return kept
    shell = Shell(shell_key(key), [*shell_scopes, reader_scope(reader_id)], lambda: g.get("kept_content"))
    together = kept_together(key, scopes, shell, [content],
                             lambda around, contents: around.replace(SLOT, contents[0], 1))
    if together is not None:
        return together

    def whole():
        html = render()
        if not isinstance(html, str):
            raise TypeError(f"{name or key}: a page kept whole must be its HTML text")
        return html

    return reader_page(key, scopes, whole, ttl=ttl, name=name, shell=shell)
