"""What every API response shares: RFC 9457 problems, ETags, cursors, the token in the header.

- Problems: `application/problem+json` with `type`, `title`, `status`, `detail` and, for a body
  or query that failed validation, `errors` = {field: [messages]} in the caller's language
  (Accept-Language, `id` by default).
- ETags: a read answers with an ETag and 304 to a matching If-None-Match. A resource that can
  be written carries its version in the ETag ("v7-…"); a write must send it back in If-Match
  (missing: 428, another version: 412).
- Cursors: opaque strings naming the last id of the page; `next_cursor` is null on the last page.
"""
import base64
import hashlib
import json
import re

import orjson
from flask import Response, current_app, g, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/v1"
PROBLEM_TYPE = "about:blank"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    406: _l("Not acceptable"),
    409: _l("Conflict"),
    412: _l("Precondition failed"),
    413: _l("Request too large"),
    415: _l("Unsupported media type"),
    422: _l("Invalid input"),
    428: _l("Precondition required"),
    429: _l("Too many requests"),
    500: _l("Internal server error"),
    503: _l("Service unavailable"),
}
DETAILS = {
    401: _l("Send a personal access token in the Authorization header: Authorization: Bearer rkr_…"),
    403: _l("Your account or token does not allow this."),
    404: _l("There is no such resource, or you may not see it."),
    405: _l("This method is not allowed on this resource."),
    412: _l("The resource was changed meanwhile: read it again and send its current ETag in If-Match."),
    428: _l("Send the ETag you read in If-Match, so that a change made meanwhile is not overwritten."),
    429: _l("Too many requests with this token; wait and try again."),
}

# Marshmallow's and webargs' own messages, translated through this catalog when a problem is
# rendered (they are English msgids; listing them here puts them in the catalog).
LIBRARY_MESSAGES = (
    _l("Unknown field."), _l("Missing data for required field."), _l("Field may not be null."),
    _l("Not a valid integer."), _l("Not a valid string."), _l("Not a valid date."),
    _l("Not a valid boolean."), _l("Invalid input type."), _l("Invalid value."),
    _l("Not a valid number."), _l("Not a valid datetime."), _l("Not a valid list."),
    _l("Not a valid mapping type."), _l("Invalid value."),
)


def wants_problem():
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _translate(message):
    return gettext(message) if isinstance(message, str) else message


def _translated_errors(messages):
    """webargs' {location: {field: [..]}} or marshmallow's {field: [..]}: flattened to
    {field: [translated messages]} (a nested field as `field.sub`)."""
    out = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, (list, tuple)):
            if all(isinstance(v, str) for v in value):
                out.setdefault(prefix or "body", []).extend(_translate(v) for v in value)
            else:
                for v in value:
                    walk(prefix, v)
        else:
            out.setdefault(prefix or "body", []).append(_translate(str(value)))

    for location, fields in (messages or {}).items():
        if location in ("json", "query", "querystring", "headers", "form", "files", "view_args"):
            walk("", fields)
        else:
            walk(str(location), fields)
    return out


def problem(status, detail=None, *, errors=None, headers=None, title=None):
    body = {"type": PROBLEM_TYPE, "title": str(title or TITLES.get(status, TITLES[400])),
            "status": status}
    detail = detail if detail is not None else DETAILS.get(status)
    if detail is not None:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="rakor"'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def http_problem(error: HTTPException):
    """Flask/werkzeug errors (and webargs' 422) inside the API as problems."""
    code = error.code or 500
    if 300 <= code < 400:
        return error
    data = getattr(error, "data", None) or {}
    errors = _translated_errors(data.get("messages")) if data.get("messages") else None
    detail = data.get("detail")
    if code == 422 and errors:
        detail = gettext("Some fields are not valid; see errors.")
    elif code == 400 and detail is None and getattr(error, "description", None) \
            and error.__class__.__name__ == "CSRFError":
        detail = gettext("A write with the session cookie needs the CSRF token (X-CSRFToken); "
                         "integrations use a personal access token instead.")
    headers = dict(error.get_response().headers) if code in (405, 429) else {}
    headers = {k: v for k, v in headers.items() if k in ("Allow", "Retry-After")}
    if code == 429:
        headers.update(_rate_limit_headers())
    return problem(code, detail, errors=errors, headers=headers)


def _rate_limit_headers():
    from rakor.extensions import limiter

    try:
        current = limiter.current_limit
    except RuntimeError:
        return {}
    if current is None:
        return {}
    import math
    import time

    return {"Retry-After": str(max(1, math.ceil(current.reset_at - time.time())))}


# --- JSON and ETags -------------------------------------------------------------------------

def _dump(payload, sort_keys=True):
    """UTF-8 JSON bytes, compact, byte for byte as `json.dumps(ensure_ascii=False,
    separators=(",", ":"))` wrote them, by orjson: the standard library's encoder took about
    0.25 ms of a list request's 1.4 ms for a page of 50 commitments, orjson 0.01 ms. A payload
    with keys that are not strings (integers, written as strings as json did) takes orjson's
    slower option, only then (it costs three times as much on every dict)."""
    option = orjson.OPT_SORT_KEYS if sort_keys else 0
    try:
        return orjson.dumps(payload, option=option)
    except orjson.JSONEncodeError:
        return orjson.dumps(payload, option=option | orjson.OPT_NON_STR_KEYS)


def respond(payload, status=200, *, version=None, headers=None, sort_keys=True):
    """JSON with an ETag; 304 when the client already has it (If-None-Match). The keys are
    sorted, so that the same content always makes the same body and ETag; `sort_keys=False`
    for a payload whose dicts are all built in a fixed order (the lists' items: a third of the
    time of dumping a page of 50 went to sorting its keys)."""
    body = _dump(payload, sort_keys)
    digest = hashlib.sha256(body).hexdigest()[:20]
    etag = f"v{version}-{digest}" if version is not None else digest
    if request.method in ("GET", "HEAD") and status == 200 and request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(body, status=status, mimetype="application/json")
    response.set_etag(etag)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


_VERSION_TAG = re.compile(r"^v?(\d{1,9})(?:-[0-9a-f]*)?$")


class PreconditionError(Exception):
    def __init__(self, status):
        self.status = status


def expected_version():
    """The version the client wrote against, from If-Match (`"v7-…"`, `"v7"` or `"7"`)."""
    if not request.if_match or request.if_match.star_tag:
        raise PreconditionError(428)
    for tag in request.if_match.as_set():
        match = _VERSION_TAG.match(tag or "")  # werkzeug gives None for a garbled tag
        if match:
            return int(match.group(1))
    raise PreconditionError(412)


def check_version(current):
    if expected_version() != current:
        raise PreconditionError(412)


# --- cursors --------------------------------------------------------------------------------

def encode_cursor(last_key):
    return base64.urlsafe_b64encode(f"k:{last_key}".encode()).decode().rstrip("=")


def decode_cursor(cursor, numeric=True):
    """The key after which the page starts, or None for a cursor that is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    kind, _sep, value = text.partition(":")
    if kind != "k" or not value or len(value) > 12:
        return None
    if numeric:
        return int(value) if value.isascii() and value.isdigit() else None
    return value


def page_of(rows, limit, key=lambda row: row.id):
    """(items, next_cursor) from `limit + 1` rows read."""
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(key(rows[-1])) if more and rows else None)


def external_url(path):
    """An absolute URL for links the API hands out. One place, so that the configured base
    URL (see the outside-checkers issue) can replace the request's host here alone."""
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + path


def client_locale():
    return g.get("rakor_locale")
