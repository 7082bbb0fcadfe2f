"""Work that session listeners do after each flush, done once for a batch of writes instead.

A listener that keeps derived rows up to date after every flush (progress/tally.py: standings
and tallies of the commitments a flush touched) costs a few statements per flush: nothing for
one change, most of the time of an import that flushes once or twice per row. Inside
`deferred(session)` such a listener only collects what it would refresh (`active(session)`
tells it) and does it once at the end, after a last flush and before the caller commits:

    with batch.deferred(db.session):
        for row in rows:
            services.create_commitment(...)      # flushes; the tallies wait

Reads that cannot change during the batch and that a service repeats per row (does this
agency take part in the meeting? the latest official value of an indicator) can be kept for
it with `memo(session, key, fn)`; outside a batch `memo` just calls `fn`.

Rows written by bulk statements (core/rows.py), which no flush listener sees, are named with
`touch(session, table, ids)`; a listener's end reads them with `touched(session, table)`.

A listener registers its end with `on_end(fn)`: `fn(session, ok)` runs when the outermost
`deferred` ends, `ok` False when it ended with an exception (then it only drops what it
collected: the caller rolls back). Readers inside the batch see the derived rows as they
were before it; none of the imports that use it reads them.
"""
from contextlib import contextmanager

_KEY = "rakor.batch"
_MEMO = "rakor.batch.memo"
_TOUCHED = "rakor.batch.touched"
_ends = []


def on_end(fn):
    if fn not in _ends:
        _ends.append(fn)


def active(session) -> bool:
    return bool(session.info.get(_KEY))


@contextmanager
def deferred(session):
    if active(session):  # an inner batch belongs to the outer one
        yield
        return
    session.info[_KEY] = True
    ok = False
    try:
        yield
        session.flush()
        ok = True
    finally:
        session.info.pop(_KEY, None)
        session.info.pop(_MEMO, None)
        for fn in _ends:
            fn(session, ok)
        session.info.pop(_TOUCHED, None)


def memo(session, key, fn):
    if not active(session):
        return fn()
    kept = session.info.setdefault(_MEMO, {})
    if key not in kept:
        kept[key] = fn()
    return kept[key]


def touch(session, table, ids):
    session.info.setdefault(_TOUCHED, {}).setdefault(table, set()).update(ids)


def touched(session, table) -> set:
    return set(session.info.get(_TOUCHED, {}).get(table, ()))
