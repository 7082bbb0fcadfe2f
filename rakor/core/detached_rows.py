"""Rows kept outside the database (in Redis) and made ORM instances again, for the caches of who
is signed in: the API's token cache (rakor/api/token_cache.py) and the signed-in user's
(rakor/auth/session_cache.py).

`GenerationStore` keeps the entries, valid while a generation counter is unchanged (each cache
moves it after the commits that concern it); `install` puts one on an app with REDIS_URL and
its lifetime setting, `installed` finds it. `columns` gives some columns of a row as JSON
values; `instance` makes a persistent instance as if just loaded, whose columns not kept load
from the database on access; `Decoded` keeps what was built from an entry's bytes lately, so a
request merges a copy of it into its session (`Session.merge(..., load=False)`) instead of
parsing the JSON and building the instance again (about a twentieth of an API list request's
Python calls).
"""
import hashlib
from datetime import datetime

from flask import current_app, has_app_context
from redis import Redis
from sqlalchemy.orm import make_transient_to_detached


class GenerationStore:
    """Entries under `<PREFIX><namespace>:e:<key>` and their generation counter
    `<PREFIX><namespace>:gen`; entries expire after `seconds`."""
    PREFIX = ""

    def __init__(self, url, namespace, seconds):
        self.url = url
        # Short timeouts: a Redis that hangs costs a request a moment, then the database answers.
        self.redis = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.prefix = f"{self.PREFIX}{namespace}:"
        self.seconds = seconds

    def read(self, key):
        """(entry's bytes or None, generation) in one round trip."""
        entry, generation = self.redis.mget([f"{self.prefix}e:{key}", self.prefix + "gen"])
        return entry, int(generation or 0)

    def bump(self):
        self.redis.incr(self.prefix + "gen")


def install(app, name, seconds_setting, store_class):
    """`store_class` as `app.extensions[name]` when the app has REDIS_URL and `seconds_setting`
    (default 60) is above 0, namespaced by the database (two deployments or a database made anew
    on one Redis never meet each other's entries); else none."""
    seconds = int(app.config.get(seconds_setting, 60) or 0)
    url = app.config.get("REDIS_URL")
    if url and seconds > 0:
        database = str(app.config.get("SQLALCHEMY_DATABASE_URI"))
        app.extensions[name] = store_class(url, hashlib.sha256(database.encode()).hexdigest()[:12], seconds)
    else:
        app.extensions.pop(name, None)


def installed(name):
    """The store `install` put on the current app under `name`, or None."""
    return current_app.extensions.get(name) if has_app_context() else None


def columns(obj, names):
    """Columns `names` of `obj` as JSON values (a datetime as ISO 8601)."""
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return values


def instance(model, values, datetimes=frozenset()):
    """A persistent instance of `model` as if just loaded, from `columns`' values (`datetimes`:
    the names whose values are ISO 8601 datetimes)."""
    obj = model(**{k: datetime.fromisoformat(v) if k in datetimes and v is not None else v
                   for k, v in values.items()})
    make_transient_to_detached(obj)
    return obj


class Decoded:
    """What `build(raw)` made of each entry's bytes lately, by those bytes. An entry written again
    has other bytes; the memo is emptied when it grows past `size`."""

    def __init__(self, build, size=512):
        self.build, self.size, self.found = build, size, {}

    def __call__(self, raw):
        found = self.found.get(raw)
        if found is None:
            found = self.build(raw)
            if len(self.found) >= self.size:
                self.found.clear()
            self.found[raw] = found
        return found
