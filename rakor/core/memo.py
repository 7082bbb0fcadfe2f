"""Reads repeated within one request, done once.

A page asks some questions several times from places that do not know of each other: the
meeting page asks "may this delegate see this meeting?" for its own check, for each tab and
for sections (one query each), and the minutes' latest final version for the section and the
download rule. `per_request` keeps such an answer for the rest of the request:
- only in GET and HEAD requests (reads); elsewhere the function runs every time;
- until the session next flushes: any write in the request (a test that writes inside one
  request context too) forgets every kept answer, so nothing kept can be older than a write.
"""
import functools

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "rakor.per_request"
_READS = ("GET", "HEAD")


def _store():
    # Kept in the request's environ, not in `g`: requests made inside an app context that is
    # already pushed (tests, scripts) share its `g`, never their environ.
    if not has_request_context() or request.method not in _READS:
        return None
    return request.environ.setdefault(_KEY, {})


def remembered(key, compute):
    """compute(), kept under `key` (hashable) for the rest of this read request."""
    store = _store()
    if store is None:
        return compute()
    try:
        return store[key]
    except KeyError:
        value = store[key] = compute()
        return value


def keep(key, value):
    """Remember `value` under `key` for the rest of this read request (read along with
    something else: `remembered(key, ...)` then finds it)."""
    store = _store()
    if store is not None:
        store[key] = value


def keep_result(function, args, value):
    """Remember `value` as what `function` (decorated with `per_request`) gives for `args`, for
    the rest of this read request (it was read along with something else)."""
    keep((function.__wrapped__, tuple(args)), value)


def per_request(fn):
    """Decorator: fn(*args) kept per positional arguments for the rest of a read request."""
    @functools.wraps(fn)
    def wrapper(*args):
        return remembered((fn, args), lambda: fn(*args))

    return wrapper


@event.listens_for(Session, "after_flush")
def _forget_on_write(_session, _flush_context):
    if has_request_context():
        request.environ.pop(_KEY, None)
