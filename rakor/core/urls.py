from urllib.parse import urlsplit

from flask import abort, request
from werkzeug.routing import IntegerConverter

# Database ids are 32-bit integers: a larger number in a URL names nothing (and SQLite cannot
# even bind it: OverflowError, a 500) -- the URL map answers 404 before any view runs.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound of MAX_ID unless the rule gives its own `max`."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(args, name, lo=1, hi=MAX_ID):
    """A query-string integer within [lo, hi], else None: '-1', '²' (str.isdigit says yes, int()
    raises), 10**22 and non-numbers are all "not given"."""
    value = (args.get(name) or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if lo <= number <= hi else None


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths: '/meetings/1', never '//evil', 'https://evil', '/\\evil'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(c in target for c in "\r\n\t\\"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def refuse_nul_characters():
    """Before every request: a NUL character is never part of a real path, query or form value,
    and PostgreSQL refuses it in any text parameter (psycopg DataError: a 500 on the login form,
    every search box, /c/<code>...). Such a request gets the 400 page instead."""
    def has_nul(multidict):
        return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True))

    if "\x00" in request.path or has_nul(request.args) or (
            request.method in ("POST", "PUT", "PATCH") and has_nul(request.form)):
        abort(400)


def external_url(endpoint, **values):
    """An absolute link for a message: from the request's own address when there is one, else
    from PUBLIC_URL (the scheduled reminders, commands and the worker have no request)."""
    from flask import current_app, has_request_context, url_for

    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)
