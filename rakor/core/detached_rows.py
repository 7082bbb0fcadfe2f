"""Rows kept outside the database (in Redis) and made ORM instances again, for the caches of who
is signed in: the API's token cache (rakor/api/token_cache.py) and the signed-in user's
(rakor/auth/session_cache.py).

`columns` gives some columns of a row as JSON values; `instance` makes a persistent instance as
if just loaded, whose columns not kept load from the database on access; `Decoded` keeps what
was built from an entry's bytes lately, so a request merges a copy of it into its session
(`Session.merge(..., load=False)`) instead of parsing the JSON and building the instance again
(about a twentieth of an API list request's Python calls).
"""
from datetime import datetime

from sqlalchemy.orm import make_transient_to_detached


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
